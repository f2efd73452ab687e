package io.elasticmesh.decoder.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.local.quarkus.GrpcCalls;
import io.elasticmesh.local.quarkus.TritonTestResource;
import io.elasticmesh.proto.reasoning.v1.ChatMessage;
import io.elasticmesh.proto.reasoning.v1.DecoderService;
import io.elasticmesh.proto.reasoning.v1.GenerateThinkingRequest;
import io.grpc.Status;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A call that sets no deadline still ends: the service's default deadline bounds the Triton call. */
@QuarkusTest
@WithTestResource(TritonTestResource.class)
@TestProfile(DecoderDeadlineTests.ShortDefaultDeadline.class)
class DecoderDeadlineTests {

    public static class ShortDefaultDeadline implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mesh.inference.default-deadline", "1s");
        }
    }

    @GrpcClient("decoder")
    DecoderService decoder;

    @Test
    void slowGenerationWithoutCallerDeadlineEndsAtTheDefaultDeadline() {
        long start = System.nanoTime();
        Status status = GrpcCalls.failureOf(decoder.generateThinking(GenerateThinkingRequest.newBuilder()
                .setRequestId("slow")
                .setModel("scripted")
                .setThinkingBudgetTokens(60)
                .addMessages(ChatMessage.newBuilder()
                        .setRole(ChatMessage.Role.ROLE_USER)
                        .setContent("[[script close=no delay_ms=300]]"))
                .build()));

        assertThat(status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        // 60 tokens at 300 ms would take 18 s.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
}
