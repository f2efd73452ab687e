package io.elasticmesh.decoder.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.elasticmesh.conversation.PhaseEvent;
import io.elasticmesh.conversation.Turn;
import io.elasticmesh.decoder.Thinking;
import io.elasticmesh.decoder.ThinkingLimits;
import io.elasticmesh.decoder.service.ThinkingService;
import io.elasticmesh.local.quarkus.GrpcCalls;
import io.elasticmesh.proto.reasoning.v1.ChatMessage;
import io.elasticmesh.proto.reasoning.v1.DecoderService;
import io.elasticmesh.proto.reasoning.v1.DecoderServiceGrpc;
import io.elasticmesh.proto.reasoning.v1.GenerateThinkingRequest;
import io.elasticmesh.proto.reasoning.v1.Sampling;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Multi;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The error policy at decoder-service's edge, with Triton unreachable: an outage is UNAVAILABLE and gRPC health
 * says NOT_SERVING, a failure nobody expected is INTERNAL with a correlation id, bytes that are no request are
 * INVALID_ARGUMENT, a field beyond its limit is INVALID_ARGUMENT naming it.
 */
@QuarkusTest
@TestProfile(DecoderTritonDownTests.NoTriton.class)
class DecoderErrorPolicyTests {

    @GrpcClient("decoder")
    DecoderService decoder;

    private ManagedChannel channel;

    @BeforeEach
    void connect() {
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", 9201)
                .usePlaintext()
                .build();
    }

    @AfterEach
    void disconnect() {
        channel.shutdownNow();
    }

    private static GenerateThinkingRequest.Builder request() {
        return GenerateThinkingRequest.newBuilder()
                .setRequestId("policy")
                .setModel("scripted")
                .setThinkingBudgetTokens(4)
                .addMessages(ChatMessage.newBuilder()
                        .setRole(ChatMessage.Role.ROLE_USER)
                        .setContent("hi"));
    }

    @Test
    void tritonOutageIsUnavailable() {
        assertThat(GrpcCalls.failureOf(decoder.generateThinking(request().build()))
                        .getCode())
                .isEqualTo(Status.Code.UNAVAILABLE);
    }

    @Test
    void anUnexpectedFailureIsInternalWithACorrelationIdAndNoDetail() {
        QuarkusMock.installMockForType(
                new ThinkingService(null, null) {
                    @Override
                    public Multi<PhaseEvent<Thinking>> think(
                            String requestId, String model, List<Turn> conversation, ThinkingLimits limits) {
                        throw new IllegalArgumentException("a library's bug, not the caller's");
                    }
                },
                ThinkingService.class);

        Status status = GrpcCalls.failureOf(decoder.generateThinking(request().build()));

        assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(status.getDescription())
                .startsWith("internal error, correlation id ")
                .doesNotContain("library", "IllegalArgument");
    }

    @Test
    void bytesThatAreNoRequestAreInvalidArgument() {
        Status status = GrpcCalls.sendBytes(
                channel,
                DecoderServiceGrpc.getGenerateThinkingMethod(),
                new byte[] {0x12, 0x02, (byte) 0xc3, (byte) 0x28},
                CallOptions.DEFAULT);

        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).contains("GenerateThinkingRequest", "invalid UTF-8");
    }

    @Test
    void aModelNameBeyondItsLimitIsRefusedWithoutBeingRepeated() {
        Status status = GrpcCalls.failureOf(
                decoder.generateThinking(request().setModel("m".repeat(100_000)).build()));

        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).isEqualTo("model must be at most 128 characters, was 100000");
    }

    /** Called directly, the decoder refuses malformed sampling as the router does (before Triton is asked). */
    @Test
    void malformedSamplingIsRefusedNamingTheFieldAndTheValue() {
        Status status = GrpcCalls.failureOf(decoder.generateThinking(
                request().setSampling(Sampling.newBuilder().setTemperature(-1f)).build()));

        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription())
                .isEqualTo("sampling.temperature must be a finite number of 0 or more, was -1.0");
    }

    @Test
    void grpcHealthFollowsReadinessWhileLivenessStaysServing() {
        assertThat(GrpcCalls.awaitHealth(channel, "", ServingStatus.NOT_SERVING))
                .isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(GrpcCalls.awaitHealth(channel, "elastic.reasoning.v1.DecoderService", ServingStatus.NOT_SERVING))
                .isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(HealthGrpc.newBlockingStub(channel)
                        .check(HealthCheckRequest.newBuilder()
                                .setService("liveness")
                                .build())
                        .getStatus())
                .isEqualTo(ServingStatus.SERVING);
    }
}
