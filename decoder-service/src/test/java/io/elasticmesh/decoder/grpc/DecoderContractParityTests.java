package io.elasticmesh.decoder.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.local.quarkus.TritonTestResource;
import io.elasticmesh.proto.reasoning.v1.ChatMessage;
import io.elasticmesh.proto.reasoning.v1.DecoderService;
import io.elasticmesh.proto.reasoning.v1.GenerateThinkingRequest;
import io.elasticmesh.proto.reasoning.v1.GenerateThinkingResponse;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The same scripted thinking served through Triton's vLLM contract ({@code scripted}) and TensorRT-LLM's ensemble
 * contract ({@code scripted-trtllm}) reaches the caller as the same text, token counts and outcome.
 */
@QuarkusTest
@WithTestResource(TritonTestResource.class)
class DecoderContractParityTests {

    @GrpcClient("decoder")
    DecoderService decoder;

    private GenerateThinkingResponse think(String model, String directive, int budget) {
        return decoder.generateThinking(GenerateThinkingRequest.newBuilder()
                        .setRequestId("parity-" + model)
                        .setModel(model)
                        .addMessages(ChatMessage.newBuilder()
                                .setRole(ChatMessage.Role.ROLE_USER)
                                .setContent("Q [[script " + directive + "]]"))
                        .setThinkingBudgetTokens(budget)
                        .build())
                .await()
                .atMost(Duration.ofSeconds(60));
    }

    @ParameterizedTest(name = "{0} within {1} tokens")
    @CsvSource({
        "think=3 close=yes, 10", // the model closes thinking early
        "close=no, 5", // the budget cuts thinking
        "think=4 close=yes, 5", // the delimiter is the last token the budget allows
    })
    void bothContractsGiveTheSameThinkingAndTokenCounts(String directive, int budget) {
        GenerateThinkingResponse vllm = think("scripted", directive, budget);
        GenerateThinkingResponse trtllm = think("scripted-trtllm", directive, budget);

        assertThat(trtllm.getThinkingText()).isEqualTo(vllm.getThinkingText()).isNotEmpty();
        assertThat(trtllm.getThinkingTokens())
                .isEqualTo(vllm.getThinkingTokens())
                .isPositive();
        assertThat(trtllm.getPromptTokens()).isEqualTo(vllm.getPromptTokens()).isPositive();
        assertThat(trtllm.getClosedByModel()).isEqualTo(vllm.getClosedByModel());
        assertThat(trtllm.getTruncated()).isEqualTo(vllm.getTruncated());
        assertThat(trtllm.getFinishReason()).isEqualTo(vllm.getFinishReason());
    }
}
