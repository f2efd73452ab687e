package io.elasticmesh.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.proto.reasoning.v1.BudgetRouterGrpc;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import io.elasticmesh.proto.reasoning.v1.StreamReasonRequest;
import io.elasticmesh.proto.reasoning.v1.StreamReasonResponse;
import io.elasticmesh.proto.reasoning.v1.StreamReasonResponse.EventCase;
import io.elasticmesh.proto.reasoning.v1.TruncationReason;
import io.grpc.Context;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** StreamReason through the whole mesh: event order, deltas that add up to the reply, and cancellation. */
class StreamingIT {

    private static List<StreamReasonResponse> stream(StreamReasonRequest request) {
        List<StreamReasonResponse> events = new ArrayList<>();
        BudgetRouterGrpc.newBlockingStub(SharedMesh.router())
                .withDeadlineAfter(1, TimeUnit.MINUTES)
                .streamReason(request)
                .forEachRemaining(events::add);
        return events;
    }

    @Test
    void streamsThinkingThenOneThinkingEndThenTheAnswerThenTheReply() {
        List<StreamReasonResponse> events = stream(StreamReasonRequest.newBuilder()
                .setRequest(SharedMesh.scripted("think=9 close=yes answer=4").setThinkingBudgetTokens(5))
                .build());

        String order = events.stream()
                .map(e -> switch (e.getEventCase()) {
                    case THINKING_DELTA -> "t";
                    case THINKING_END -> "E";
                    case SOLUTION_DELTA -> "s";
                    case COMPLETED -> "C";
                    default -> "?";
                })
                .collect(Collectors.joining());
        assertThat(order).matches("t+Es+C");

        ReasonResponse reply = events.get(events.size() - 1).getCompleted();
        assertThat(join(events, EventCase.THINKING_DELTA))
                .isEqualTo(reply.getThinkingText())
                .isEqualTo("think1 think2 think3 think4 think5 ");
        assertThat(join(events, EventCase.SOLUTION_DELTA))
                .isEqualTo(reply.getSolutionText())
                .isEqualTo("answer1 answer2 answer3 answer4 ");
        assertThat(tokens(events, EventCase.THINKING_DELTA))
                .isEqualTo(reply.getUsage().getThinkingTokens())
                .isEqualTo(5);
        assertThat(tokens(events, EventCase.SOLUTION_DELTA))
                .isEqualTo(reply.getUsage().getSolutionTokens())
                .isEqualTo(5);

        StreamReasonResponse end = events.stream()
                .filter(e -> e.getEventCase() == EventCase.THINKING_END)
                .findFirst()
                .orElseThrow();
        assertThat(end.getThinkingEnd().getTruncated()).isTrue();
        assertThat(end.getThinkingEnd().getTruncationReason())
                .isEqualTo(TruncationReason.TRUNCATION_REASON_TOKEN_BUDGET);
        assertThat(end.getThinkingEnd().getThinkingTokens()).isEqualTo(5);
        assertThat(end.getThinkingEnd().getForcedDelimiters()).isEqualTo(1);
        assertThat(reply.getTimings().getFirstThinkingTokenMs()).isPositive();
    }

    @Test
    void aDelimiterSplitAcrossTokensNeverReachesTheStream() {
        List<StreamReasonResponse> events = stream(StreamReasonRequest.newBuilder()
                .setRequest(SharedMesh.scripted("think=3 close=split answer=2").setThinkingBudgetTokens(20))
                .build());

        assertThat(join(events, EventCase.THINKING_DELTA)).isEqualTo("think1 think2 think3 ");
        ReasonResponse reply = events.get(events.size() - 1).getCompleted();
        assertThat(reply.getThinkingTruncated()).isFalse();
        assertThat(reply.getUsage().getForcedDelimiters()).isZero();
        assertThat(reply.getUsage().getThinkingTokens()).isEqualTo(5);
    }

    @Test
    void cancellingTheCallStopsTheGenerationOnTriton() throws Exception {
        long cancelledBefore = cancellations().count();
        Context.CancellableContext call = Context.current().withCancellation();
        // 60 tokens at 200 ms each: 12 s of generation unless the cancellation reaches the model.
        Iterator<StreamReasonResponse> events = call.call(() -> BudgetRouterGrpc.newBlockingStub(SharedMesh.router())
                .withDeadlineAfter(1, TimeUnit.MINUTES)
                .streamReason(StreamReasonRequest.newBuilder()
                        .setRequest(SharedMesh.scripted("close=no delay_ms=200").setThinkingBudgetTokens(60))
                        .build()));
        assertThat(events.next().getEventCase()).isEqualTo(EventCase.THINKING_DELTA);
        assertThat(events.next().getEventCase()).isEqualTo(EventCase.THINKING_DELTA);

        call.cancel(null);

        assertTritonCancelledSoon(cancelledBefore);
    }

    /** Triton's model logs a cancellation within 5 s, fewer than 10 tokens into the generation. */
    static void assertTritonCancelledSoon(long cancelledBefore) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (cancellations().count() == cancelledBefore && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        List<String> lines = cancellations().toList();
        assertThat(lines).as("Triton's model logged the cancellation").hasSizeGreaterThan((int) cancelledBefore);
        Matcher tokens = Pattern.compile("cancelled after (\\d+) tokens").matcher(lines.get(lines.size() - 1));
        assertThat(tokens.find()).isTrue();
        assertThat(Integer.parseInt(tokens.group(1))).isLessThan(10);
    }

    /** The lines of Triton's log that say a generation was cancelled. */
    static Stream<String> cancellations() throws IOException {
        return Files.readAllLines(SharedMesh.tritonLog()).stream().filter(line -> line.contains("cancelled after"));
    }

    private static String join(List<StreamReasonResponse> events, EventCase kind) {
        return events.stream()
                .filter(e -> e.getEventCase() == kind)
                .map(e -> kind == EventCase.THINKING_DELTA
                        ? e.getThinkingDelta().getText()
                        : e.getSolutionDelta().getText())
                .collect(Collectors.joining());
    }

    private static int tokens(List<StreamReasonResponse> events, EventCase kind) {
        return events.stream()
                .filter(e -> e.getEventCase() == kind)
                .mapToInt(e -> kind == EventCase.THINKING_DELTA
                        ? e.getThinkingDelta().getTokens()
                        : e.getSolutionDelta().getTokens())
                .sum();
    }
}
