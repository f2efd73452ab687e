package io.elasticmesh.solution.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.local.quarkus.TritonTestResource;
import io.elasticmesh.proto.reasoning.v1.GenerateSolutionRequest;
import io.elasticmesh.proto.reasoning.v1.GenerateSolutionResponse;
import io.elasticmesh.proto.reasoning.v1.SolutionService;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The same scripted answer served through Triton's vLLM contract ({@code scripted}) and TensorRT-LLM's ensemble
 * contract ({@code scripted-trtllm}) reaches the caller as the same text, token counts and finish reason.
 */
@QuarkusTest
@WithTestResource(TritonTestResource.class)
class SolutionContractParityTests {

    private static final String PROMPT =
            "<|im_start|>user\nQ [[script answer=3]]<|im_end|>\n<|im_start|>assistant\n" + "<think>\n";

    @GrpcClient("solution")
    SolutionService solution;

    private GenerateSolutionResponse solve(String model, int budget) {
        return solution.generateSolution(GenerateSolutionRequest.newBuilder()
                        .setRequestId("parity-" + model)
                        .setModel(model)
                        .setPromptText(PROMPT)
                        .setThinkingText("think1 think2 ")
                        .setSolutionBudgetTokens(budget)
                        .build())
                .await()
                .atMost(Duration.ofSeconds(60));
    }

    @ParameterizedTest(name = "budget {0}")
    @CsvSource({"10", "2"}) // the answer ends by itself (end of sequence counted); the budget cuts it
    void bothContractsGiveTheSameAnswerAndTokenCounts(int budget) {
        GenerateSolutionResponse vllm = solve("scripted", budget);
        GenerateSolutionResponse trtllm = solve("scripted-trtllm", budget);

        assertThat(trtllm.getSolutionText()).isEqualTo(vllm.getSolutionText()).isNotEmpty();
        assertThat(trtllm.getSolutionTokens())
                .isEqualTo(vllm.getSolutionTokens())
                .isPositive();
        assertThat(trtllm.getForcedDelimiters()).isEqualTo(vllm.getForcedDelimiters());
        assertThat(trtllm.getFinishReason()).isEqualTo(vllm.getFinishReason());
    }
}
