package io.elasticmesh.decoder.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.local.quarkus.GrpcCalls;
import io.elasticmesh.local.quarkus.HttpGet;
import io.elasticmesh.proto.reasoning.v1.ChatMessage;
import io.elasticmesh.proto.reasoning.v1.DecoderService;
import io.elasticmesh.proto.reasoning.v1.GenerateThinkingRequest;
import io.grpc.Status;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Triton unreachable: the caller learns it at once as UNAVAILABLE, not by waiting for a deadline. */
@QuarkusTest
@TestProfile(DecoderTritonDownTests.NoTriton.class)
class DecoderTritonDownTests {

    public static class NoTriton implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.grpc.clients.triton.host", "127.0.0.1", "quarkus.grpc.clients.triton.test-port", "1");
        }
    }

    @GrpcClient("decoder")
    DecoderService decoder;

    @Test
    void unreachableTritonIsUnavailable() {
        Status status = GrpcCalls.failureOf(decoder.generateThinking(GenerateThinkingRequest.newBuilder()
                .setRequestId("down")
                .setModel("scripted")
                .setThinkingBudgetTokens(4)
                .addMessages(ChatMessage.newBuilder()
                        .setRole(ChatMessage.Role.ROLE_USER)
                        .setContent("hi"))
                .build()));

        assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    }

    @Test
    void unreachableTritonMakesTheServiceUnreadyButLeavesItLive() {
        HttpResponse<String> ready = HttpGet.get(8291, "/q/health/ready");

        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).contains("\"triton\"", "Triton unreachable");
        assertThat(HttpGet.get(8291, "/q/health/live").statusCode()).isEqualTo(200);
    }

    @Test
    void failedTritonCallsAreCountedByStatus() {
        GrpcCalls.failureOf(decoder.generateThinking(GenerateThinkingRequest.newBuilder()
                .setRequestId("down")
                .setModel("scripted")
                .setThinkingBudgetTokens(4)
                .addMessages(ChatMessage.newBuilder()
                        .setRole(ChatMessage.Role.ROLE_USER)
                        .setContent("hi"))
                .build()));

        assertThat(HttpGet.get(8291, "/q/metrics").body())
                .contains("elastic_triton_errors_total{code=\"UNAVAILABLE\",model=\"scripted\"}");
    }
}
