package io.elasticmesh.decoder.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.local.quarkus.HttpGet;
import io.elasticmesh.local.quarkus.TritonTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A TensorRT-LLM ensemble older than the contract (the layout of TensorRT-LLM 0.16 to 0.19, without the token-count
 * tensors) would reject every request; the decoder finds that in the model's metadata on the real Triton and stays
 * unready, naming what is missing and the release it needs, while the current layout passes the same check.
 */
@QuarkusTest
@TestProfile(DecoderTritonContractReadinessTests.BothLayouts.class)
@WithTestResource(
        value = TritonTestResource.class,
        initArgs = {
            @ResourceArg(name = "models", value = "scripted_trtllm,scripted_trtllm_v0_16"),
            @ResourceArg(name = "readiness-models", value = "scripted_trtllm,scripted_trtllm_v0_16")
        })
class DecoderTritonContractReadinessTests {

    public static class BothLayouts implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mesh.inference.profiles-file", "src/test/resources/trtllm-layouts-profiles.yaml");
        }
    }

    @Test
    void anEnsembleWithoutTheTokenCountTensorsKeepsTheServiceUnreadyAndIsNamed() {
        HttpResponse<String> ready = HttpGet.get(8291, "/q/health/ready");

        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body())
                .contains("model 'scripted_trtllm_v0_16' lacks inputs [return_num_input_tokens, "
                        + "return_num_output_tokens, seed] and outputs [num_input_tokens, num_output_tokens] of the tensorrt-llm "
                        + "contract; it needs TensorRT-LLM 1.0 or later");
        assertThat(ready.body()).as("the current layout has every tensor").doesNotContain("'scripted_trtllm'");
    }
}
