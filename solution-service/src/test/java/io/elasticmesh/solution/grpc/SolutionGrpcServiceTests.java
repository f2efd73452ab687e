package io.elasticmesh.solution.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.local.quarkus.GrpcCalls;
import io.elasticmesh.local.quarkus.TritonTestResource;
import io.elasticmesh.proto.reasoning.v1.FinishReason;
import io.elasticmesh.proto.reasoning.v1.GenerateSolutionRequest;
import io.elasticmesh.proto.reasoning.v1.GenerateSolutionResponse;
import io.elasticmesh.proto.reasoning.v1.SolutionService;
import io.grpc.Status;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** solution-service against the real Triton server and its scripted model. */
@QuarkusTest
@WithTestResource(TritonTestResource.class)
class SolutionGrpcServiceTests {

    private static final String PROMPT =
            "<|im_start|>user\nQ [[script answer=3]]<|im_end|>\n<|im_start|>assistant\n<think>\n";

    @GrpcClient("solution")
    SolutionService solution;

    private static GenerateSolutionRequest.Builder request(boolean closedByModel, int budget) {
        return GenerateSolutionRequest.newBuilder()
                .setRequestId("test")
                .setModel("scripted")
                .setPromptText(PROMPT)
                .setThinkingText("think1 think2 ")
                .setThinkingClosedByModel(closedByModel)
                .setSolutionBudgetTokens(budget);
    }

    private GenerateSolutionResponse solve(GenerateSolutionRequest request) {
        return solution.generateSolution(request).await().atMost(Duration.ofSeconds(60));
    }

    @Test
    void cutThinkingIsClosedByExactlyOneForcedDelimiterAndAnswered() {
        GenerateSolutionResponse r = solve(request(false, 10).build());

        assertThat(r.getForcedDelimiters()).isEqualTo(1);
        assertThat(r.getSolutionText()).isEqualTo("answer1 answer2 answer3 ");
        // Three words and the end-of-sequence token.
        assertThat(r.getSolutionTokens()).isEqualTo(4);
        assertThat(r.getFinishReason()).isEqualTo(FinishReason.FINISH_REASON_STOP);
    }

    @Test
    void thinkingTheModelClosedGetsNoForcedDelimiter() {
        GenerateSolutionResponse r = solve(request(true, 10).build());

        assertThat(r.getForcedDelimiters()).isZero();
        assertThat(r.getSolutionText()).isEqualTo("answer1 answer2 answer3 ");
    }

    @Test
    void answerLongerThanItsBudgetStopsAtTheBudget() {
        GenerateSolutionResponse r = solve(request(false, 2).build());

        assertThat(r.getSolutionText()).isEqualTo("answer1 answer2 ");
        assertThat(r.getSolutionTokens()).isEqualTo(2);
        assertThat(r.getFinishReason()).isEqualTo(FinishReason.FINISH_REASON_LENGTH);
    }

    @Test
    void promptTokensCoverPromptThinkingAndDelimiter() {
        GenerateSolutionResponse r = solve(request(false, 10).build());

        // The scripted model counts whitespace-separated words: "think1", "think2" and "</think>" follow the prompt.
        assertThat(r.getPromptTokens()).isEqualTo(PROMPT.split("\\s+").length + 3);
    }

    @Test
    void emptyPromptIsInvalid() {
        Status status = GrpcCalls.failureOf(
                solution.generateSolution(request(false, 2).setPromptText("").build()));

        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).contains("prompt_text");
    }

    @Test
    void aUint32BudgetAboveTheIntRangeIsQuotedAsSent() {
        // 4294967295 arrives as -1 in Java.
        Status status =
                GrpcCalls.failureOf(solution.generateSolution(request(false, -1).build()));

        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription())
                .isEqualTo("solution_budget_tokens must be at most 2147483647, was 4294967295");
    }
}
