package io.elasticmesh.decoder.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.local.quarkus.GrpcCalls;
import io.elasticmesh.local.quarkus.HttpGet;
import io.elasticmesh.local.quarkus.TritonTestResource;
import io.elasticmesh.proto.reasoning.v1.ChatMessage;
import io.elasticmesh.proto.reasoning.v1.DecoderService;
import io.elasticmesh.proto.reasoning.v1.FinishReason;
import io.elasticmesh.proto.reasoning.v1.GenerateThinkingRequest;
import io.elasticmesh.proto.reasoning.v1.GenerateThinkingResponse;
import io.elasticmesh.proto.reasoning.v1.StreamThinkingRequest;
import io.elasticmesh.proto.reasoning.v1.StreamThinkingResponse;
import io.elasticmesh.proto.reasoning.v1.TruncationReason;
import io.grpc.Status;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** decoder-service against the real Triton server and its scripted model. */
@QuarkusTest
@WithTestResource(TritonTestResource.class)
class DecoderGrpcServiceTests {

    @GrpcClient("decoder")
    DecoderService decoder;

    private static GenerateThinkingRequest.Builder request(String directive, int budget) {
        return GenerateThinkingRequest.newBuilder()
                .setRequestId("test")
                .setModel("scripted")
                .addMessages(ChatMessage.newBuilder()
                        .setRole(ChatMessage.Role.ROLE_USER)
                        .setContent("Q [[script " + directive + "]]"))
                .setThinkingBudgetTokens(budget);
    }

    private GenerateThinkingResponse think(GenerateThinkingRequest request) {
        return decoder.generateThinking(request).await().atMost(Duration.ofSeconds(60));
    }

    private Status failure(GenerateThinkingRequest request) {
        return GrpcCalls.failureOf(decoder.generateThinking(request));
    }

    @Test
    void promptEndsInsideAnOpenThinkingBlock() {
        assertThat(think(request("think=1", 8).build()).getPromptText())
                .endsWith("Q [[script think=1]]<|im_end|>\n<|im_start|>assistant\n<think>\n");
    }

    @Test
    void thinkingTheModelClosesIsReturnedWithoutTheDelimiter() {
        GenerateThinkingResponse r = think(request("think=3 close=yes", 10).build());

        assertThat(r.getThinkingText()).isEqualTo("think1 think2 think3 ");
        assertThat(r.getClosedByModel()).isTrue();
        assertThat(r.getTruncated()).isFalse();
        assertThat(r.getThinkingTokens()).isEqualTo(4);
        assertThat(r.getFinishReason()).isEqualTo(FinishReason.FINISH_REASON_STOP);
        assertThat(r.getPromptTokens()).isPositive();
    }

    @Test
    void thinkingThatReachesTheBudgetIsTruncatedAtExactlyTheBudget() {
        GenerateThinkingResponse r = think(request("close=no", 5).build());

        assertThat(r.getThinkingText()).isEqualTo("think1 think2 think3 think4 think5 ");
        assertThat(r.getClosedByModel()).isFalse();
        assertThat(r.getTruncated()).isTrue();
        assertThat(r.getThinkingTokens()).isEqualTo(5);
        assertThat(r.getFinishReason()).isEqualTo(FinishReason.FINISH_REASON_LENGTH);
    }

    @Test
    void delimiterAsTheLastTokenTheBudgetAllowsStillCountsAsClosed() {
        GenerateThinkingResponse r = think(request("think=4 close=yes", 5).build());

        assertThat(r.getClosedByModel()).isTrue();
        assertThat(r.getTruncated()).isFalse();
        assertThat(r.getThinkingTokens()).isEqualTo(5);
    }

    @Test
    void thinkingIsCutWhenItsShareOfTheDeadlineIsSpent() {
        long start = System.nanoTime();
        GenerateThinkingResponse r = think(request("close=no delay_ms=100", 60)
                .setThinkingDeadlineMs(1_500)
                .build());
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        // 60 tokens at 100 ms would take 6 s; the phase returns what it had after 1.5 s.
        assertThat(took).isBetween(Duration.ofMillis(1_400), Duration.ofMillis(3_500));
        assertThat(r.getTruncated()).isTrue();
        assertThat(r.getTruncationReason()).isEqualTo(TruncationReason.TRUNCATION_REASON_DEADLINE);
        assertThat(r.getFinishReason()).isEqualTo(FinishReason.FINISH_REASON_UNSPECIFIED);
        assertThat(r.getClosedByModel()).isFalse();
        assertThat(r.getThinkingTokens()).isBetween(3, 59);
        // The text is exactly the tokens Triton counted: think1 … thinkN.
        assertThat(r.getThinkingText().split(" "))
                .hasSize(r.getThinkingTokens())
                .endsWith("think" + r.getThinkingTokens());
    }

    @Test
    void aTimeLimitNotReachedLeavesThinkingAsTheModelEndedIt() {
        GenerateThinkingResponse r = think(
                request("think=3 close=yes", 10).setThinkingDeadlineMs(20_000).build());

        assertThat(r.getClosedByModel()).isTrue();
        assertThat(r.getTruncated()).isFalse();
        assertThat(r.getTruncationReason()).isEqualTo(TruncationReason.TRUNCATION_REASON_UNSPECIFIED);
    }

    @Test
    void aBudgetReachedBeforeTheTimeLimitIsATokenBudgetCut() {
        GenerateThinkingResponse r =
                think(request("close=no", 5).setThinkingDeadlineMs(20_000).build());

        assertThat(r.getThinkingTokens()).isEqualTo(5);
        assertThat(r.getTruncationReason()).isEqualTo(TruncationReason.TRUNCATION_REASON_TOKEN_BUDGET);
        assertThat(r.getFinishReason()).isEqualTo(FinishReason.FINISH_REASON_LENGTH);
    }

    @Test
    void readyWhileTritonAndItsModelAreReady() {
        var ready = HttpGet.get(8291, "/q/health/ready");

        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(ready.body()).contains("\"triton\"");
    }

    @Test
    void tritonCallsAndTheirTokensAreMeasuredForThePhase() {
        think(request("think=2 close=yes", 10).build());

        assertThat(HttpGet.get(8291, "/q/metrics").body())
                .contains(
                        "elastic_triton_call_duration_seconds_count{model=\"scripted\",phase=\"thinking\"}",
                        "gen_ai_client_token_usage_sum{elastic_phase=\"thinking\",gen_ai_operation_name=\"text_completion\","
                                + "gen_ai_request_model=\"scripted\",gen_ai_token_type=\"output\"}");
    }

    @Test
    void unknownModelIsNotFound() {
        Status e = failure(request("", 4).setModel("gpt-9").build());

        assertThat(e.getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(e.getDescription()).contains("'gpt-9'").contains("scripted");
    }

    @Test
    void zeroBudgetIsInvalid() {
        Status e = failure(request("", 0).build());

        assertThat(e.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getDescription()).contains("thinking_budget_tokens");
    }

    @Test
    void uint32FieldsAreReadUnsignedAndQuotedAsSent() {
        // 4294967295 arrives as -1 in Java.
        Status e = failure(request("", -1).build());

        assertThat(e.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getDescription()).isEqualTo("thinking_budget_tokens must be at most 2147483647, was 4294967295");
        // A thinking_deadline_ms above 2^31 is a long time, not a negative one.
        assertThat(think(request("think=1 close=yes", 4)
                                .setThinkingDeadlineMs(-1)
                                .build())
                        .getTruncated())
                .isFalse();
    }

    @Test
    void anEmptyUserMessageIsInvalidAndNamesIt() {
        Status e = failure(request("", 4)
                .addMessages(ChatMessage.newBuilder().setRole(ChatMessage.Role.ROLE_USER))
                .build());

        assertThat(e.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getDescription()).startsWith("messages[1].content must not be empty");
    }

    /** A request whose user message carries {@code words} extra words: the scripted model counts words. */
    private static GenerateThinkingRequest.Builder withWords(int words, int budget, int solutionBudget) {
        return GenerateThinkingRequest.newBuilder()
                .setRequestId("test")
                .setModel("scripted")
                .addMessages(ChatMessage.newBuilder()
                        .setRole(ChatMessage.Role.ROLE_USER)
                        .setContent("w ".repeat(words) + "[[script close=no]]"))
                .setThinkingBudgetTokens(budget)
                .setSolutionBudgetTokens(solutionBudget);
    }

    @Test
    void aPromptNearTheContextWindowHasItsThinkingLoweredToFitOrIsRefusedWithTheNumbers() {
        int base = think(withWords(0, 1, 32).build()).getPromptTokens();
        // scripted: window 4,096, closing 1. Leave room for exactly 10 thinking tokens beside s = 32.
        int words = 4096 - 1 - 32 - 10 - base;

        GenerateThinkingResponse fitted = think(
                withWords(words, 64, 32).setFitThinkingToContextWindow(true).build());

        assertThat(fitted.getPromptTokens()).isEqualTo(base + words);
        assertThat(fitted.getThinkingBudgetTokens()).isEqualTo(10);
        assertThat(fitted.getThinkingTokens()).isEqualTo(10);
        assertThat(fitted.getTruncated()).isTrue();
        assertThat(fitted.getTruncationReason()).isEqualTo(TruncationReason.TRUNCATION_REASON_CONTEXT_WINDOW);
        assertThat(fitted.getFinishReason()).isEqualTo(FinishReason.FINISH_REASON_LENGTH);

        Status refused = failure(withWords(words, 64, 32).build());
        assertThat(refused.getCode()).isEqualTo(Status.Code.OUT_OF_RANGE);
        assertThat(refused.getDescription())
                .isEqualTo("prompt " + (base + words) + " + thinking_budget_tokens 64 + "
                        + "closing 1 + solution_budget_tokens 32 = " + (base + words + 97)
                        + " tokens exceed the context "
                        + "window of model 'scripted' (4096 tokens); lower thinking_budget_tokens to at most 10, set "
                        + "clamp_budgets to have it lowered, or shorten the conversation");
        // A budget that fits is left alone, and its cut is the budget's.
        GenerateThinkingResponse fits = think(withWords(words, 10, 32).build());
        assertThat(fits.getThinkingBudgetTokens()).isEqualTo(10);
        assertThat(fits.getTruncationReason()).isEqualTo(TruncationReason.TRUNCATION_REASON_TOKEN_BUDGET);
    }

    @Test
    void aPromptLongerThanTheWindowIsOutOfRangeWithTritonsCount() {
        Status e = failure(
                withWords(5_000, 8, 8).setFitThinkingToContextWindow(true).build());

        assertThat(e.getCode()).isEqualTo(Status.Code.OUT_OF_RANGE);
        assertThat(e.getDescription())
                .contains("context window of model 'scripted' (4096 tokens)")
                .contains("maximum context length is 4096 tokens; the prompt has 50");
    }

    @Test
    void thinkingReopenedInsideThinkingIsDroppedInTheUnaryAndTheStreamedPaths() {
        GenerateThinkingRequest request =
                request("think=3 rethink=1 close=yes", 20).build();

        GenerateThinkingResponse unary = think(request);
        List<StreamThinkingResponse> streamed = decoder.streamThinking(
                        StreamThinkingRequest.newBuilder().setRequest(request).build())
                .collect()
                .asList()
                .await()
                .atMost(Duration.ofSeconds(60));

        assertThat(unary.getThinkingText()).isEqualTo("think1 think2 think3 ");
        // "<think" and ">" are generated tokens all the same: 3 words, 2 pieces, the delimiter.
        assertThat(unary.getThinkingTokens()).isEqualTo(6);
        List<String> deltas = streamed.stream()
                .filter(StreamThinkingResponse::hasThinkingDelta)
                .map(r -> r.getThinkingDelta().getText())
                .toList();
        assertThat(deltas).noneMatch(d -> d.contains("<") || d.contains(">"));
        assertThat(String.join("", deltas)).isEqualTo(unary.getThinkingText());
        assertThat(streamed.get(streamed.size() - 1).getCompleted().getThinkingText())
                .isEqualTo(unary.getThinkingText());
    }

    @Test
    void modelErrorIsInternalWithTritonsMessage() {
        Status e = failure(request("close=maybe", 4).build());

        assertThat(e.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(e.getDescription()).contains("close='maybe'");
    }

    @Test
    void healthAndMetricsAnswerOnTheManagementPortNotOnTheClientsPort() {
        HttpGet.assertOperatorEndpointsOnlyOnManagementPort(8201, 8291);
    }
}
