package io.elasticmesh.it;

import static io.elasticmesh.it.SharedMesh.routerStub;
import static io.elasticmesh.it.SharedMesh.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.elasticmesh.proto.reasoning.v1.FinishReason;
import io.elasticmesh.proto.reasoning.v1.ReasonRequest;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import io.elasticmesh.proto.reasoning.v1.StreamReasonRequest;
import io.elasticmesh.proto.reasoning.v1.StreamReasonResponse;
import io.elasticmesh.proto.reasoning.v1.TruncationReason;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What the models do at the edges: a prompt near the context window, a model that re-opens thinking. */
class ModelEdgesIT {

    private static ReasonResponse reason(ReasonRequest request) {
        return routerStub().withDeadlineAfter(3, TimeUnit.MINUTES).reason(request);
    }

    private static List<StreamReasonResponse> stream(ReasonRequest request) {
        List<StreamReasonResponse> events = new ArrayList<>();
        routerStub()
                .withDeadlineAfter(3, TimeUnit.MINUTES)
                .streamReason(
                        StreamReasonRequest.newBuilder().setRequest(request).build())
                .forEachRemaining(events::add);
        return events;
    }

    private static ReasonRequest.Builder standard(String text) {
        return ReasonRequest.newBuilder()
                .setTier("standard")
                .setTenant("it-tenant")
                .addMessages(user(text));
    }

    /** The SmolLM2 cases (context 2,048): a prompt longer than the window, and one near it. */
    @Test
    void aPromptNearSmolLm2sWindowIsRefusedWithTheNumbersOrKeepsTheWholeAnswerBudget() {
        StatusRuntimeException tooLong = catchThrowableOfType(
                StatusRuntimeException.class,
                () -> reason(standard("hello ".repeat(2_100)).build()));
        assertThat(tooLong.getStatus().getCode()).isEqualTo(Status.Code.OUT_OF_RANGE);
        assertThat(tooLong.getStatus().getDescription())
                .contains("context window of model 'smollm2-135m' (2048 tokens)")
                .contains("maximum context length");

        // About 1,830 prompt tokens: t = 512 and s = 128 do not both fit.
        ReasonRequest near = standard("hello ".repeat(1_800))
                .setThinkingBudgetTokens(512)
                .setSolutionBudgetTokens(128)
                .build();
        StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class, () -> reason(near));
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.OUT_OF_RANGE);
        assertThat(refused.getStatus().getDescription())
                .contains("thinking_budget_tokens 512")
                .contains("solution_budget_tokens 128")
                .contains("(2048 tokens)")
                .contains("clamp_budgets");

        ReasonResponse r = reason(near.toBuilder().setClampBudgets(true).build());

        int t = r.getBudget().getThinkingBudgetTokens();
        assertThat(t).isBetween(1, 511);
        assertThat(r.getBudget().getThinkingBudgetClamped()).isTrue();
        assertThat(r.getBudget().getSolutionBudgetTokens()).isEqualTo(128);
        // prompt + t + "</think>\n" (4 tokens) + s fill the window at most.
        assertThat(r.getUsage().getPromptTokens() + t + 4 + 128).isLessThanOrEqualTo(2048);
        assertThat(r.getUsage().getThinkingTokens()).isLessThanOrEqualTo(t);
        // Cut where the window left t (a loaded CPU may cut it earlier for the deadline), never "for the budget".
        if (r.getTruncationReason() == TruncationReason.TRUNCATION_REASON_CONTEXT_WINDOW) {
            assertThat(r.getUsage().getThinkingTokens()).isEqualTo(t);
        }
        assertThat(r.getTruncationReason()).isNotEqualTo(TruncationReason.TRUNCATION_REASON_TOKEN_BUDGET);
        // The reserved s was there: an answer cut for length used all of it.
        if (r.getSolutionFinishReason() == FinishReason.FINISH_REASON_LENGTH) {
            assertThat(r.getUsage().getSolutionTokens()).isEqualTo(128);
        }
    }

    /** On the scripted model (a token is a word) the fitted budget is exact, in the reply and the stream. */
    @Test
    void thinkingLoweredToFitTheWindowIsACutForTheContextWindowEverywhere() {
        ReasonRequest.Builder base = ReasonRequest.newBuilder()
                .setTier("scripted")
                .setTenant("it-tenant")
                .setSolutionBudgetTokens(32);
        int baseTokens = reason(base.clone()
                        .addMessages(user("[[script close=no]]"))
                        .setThinkingBudgetTokens(1)
                        .build())
                .getUsage()
                .getPromptTokens();
        // Window 4,096, closing 1, s 32: room for exactly 10 thinking tokens.
        int words = 4096 - 1 - 32 - 10 - baseTokens;
        ReasonRequest request = base.clone()
                .addMessages(user("w ".repeat(words) + "[[script close=no]]"))
                .setThinkingBudgetTokens(64)
                .setClampBudgets(true)
                .build();

        List<StreamReasonResponse> events = stream(request);

        StreamReasonResponse end = events.stream()
                .filter(StreamReasonResponse::hasThinkingEnd)
                .findFirst()
                .orElseThrow();
        assertThat(end.getThinkingEnd().getTruncationReason())
                .isEqualTo(TruncationReason.TRUNCATION_REASON_CONTEXT_WINDOW);
        assertThat(end.getThinkingEnd().getThinkingTokens()).isEqualTo(10);
        ReasonResponse r = events.get(events.size() - 1).getCompleted();
        assertThat(r.getUsage().getPromptTokens()).isEqualTo(baseTokens + words);
        assertThat(r.getBudget().getThinkingBudgetTokens()).isEqualTo(10);
        assertThat(r.getBudget().getThinkingBudgetClamped()).isTrue();
        assertThat(r.getTruncationReason()).isEqualTo(TruncationReason.TRUNCATION_REASON_CONTEXT_WINDOW);
        assertThat(r.getThinkingText()).isEqualTo(SharedMesh.words("think", 10));
        assertThat(r.getSolutionText()).isEqualTo(SharedMesh.words("answer", 6));
        assertThat(r.getSolutionFinishReason()).isEqualTo(FinishReason.FINISH_REASON_STOP);
    }

    /** The case: economy, t = 8, s = 8, SmolLM2 writes "<think" and ">" inside thinking. */
    @Test
    void aModelThatReopensThinkingNeverPutsADelimiterInTheThinkingTextOrItsDeltas() {
        ReasonRequest request = ReasonRequest.newBuilder()
                .setTier("economy")
                .setTenant("it-tenant")
                .addMessages(user("Name three colours."))
                .setThinkingBudgetTokens(8)
                .setSolutionBudgetTokens(8)
                .build();

        ReasonResponse unary = reason(request);
        List<StreamReasonResponse> events = stream(request);

        List<String> deltas = events.stream()
                .filter(StreamReasonResponse::hasThinkingDelta)
                .map(e -> e.getThinkingDelta().getText())
                .toList();
        assertThat(deltas).noneMatch(d -> d.contains("<think") || d.contains("</think"));
        ReasonResponse streamed = events.get(events.size() - 1).getCompleted();
        assertThat(String.join("", deltas)).isEqualTo(streamed.getThinkingText());
        assertThat(streamed.getThinkingText()).doesNotContain("<think>").doesNotContain("</think>");
        assertThat(unary.getThinkingText()).isEqualTo(streamed.getThinkingText());
        assertThat(unary.getUsage().getThinkingTokens())
                .isEqualTo(streamed.getUsage().getThinkingTokens())
                .isLessThanOrEqualTo(8);
    }
}
