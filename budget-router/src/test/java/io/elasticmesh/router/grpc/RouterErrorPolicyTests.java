package io.elasticmesh.router.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.elasticmesh.local.quarkus.GrpcCalls;
import io.elasticmesh.local.quarkus.HttpGet;
import io.elasticmesh.proto.reasoning.v1.BudgetRouter;
import io.elasticmesh.proto.reasoning.v1.BudgetRouterGrpc;
import io.elasticmesh.proto.reasoning.v1.ChatMessage;
import io.elasticmesh.proto.reasoning.v1.ReasonRequest;
import io.elasticmesh.proto.reasoning.v1.RouterAdminGrpc;
import io.elasticmesh.router.ReasonCommand;
import io.elasticmesh.router.ReasonResult;
import io.elasticmesh.router.service.ReasoningService;
import io.grpc.CallOptions;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The error policy at the router's edge, with decoder and solution unreachable (the test configuration): their
 * outage is UNAVAILABLE and makes the router unready over HTTP and gRPC health alike, a failure nobody expected is
 * INTERNAL with a correlation id, bytes that are no request are INVALID_ARGUMENT on both services of its port, a
 * 100 KB tier name is refused without being repeated.
 */
@QuarkusTest
class RouterErrorPolicyTests {

    @GrpcClient("router")
    BudgetRouter router;

    private ManagedChannel channel;

    @BeforeEach
    void connect() {
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", 9101)
                .usePlaintext()
                .build();
    }

    @AfterEach
    void disconnect() {
        channel.shutdownNow();
    }

    private static ReasonRequest.Builder valid() {
        return ReasonRequest.newBuilder()
                .setTier("economy")
                .addMessages(ChatMessage.newBuilder()
                        .setRole(ChatMessage.Role.ROLE_USER)
                        .setContent("hi"));
    }

    @Test
    void downstreamOutageIsUnavailable() {
        assertThat(GrpcCalls.failureOf(router.reason(valid().build())).getCode())
                .isEqualTo(Status.Code.UNAVAILABLE);
    }

    @Test
    void anUnexpectedFailureIsInternalWithACorrelationIdAndNoDetail() {
        QuarkusMock.installMockForType(
                new ReasoningService(null, null, null, null, null, null, null, null) {
                    @Override
                    public Uni<ReasonResult> reason(ReasonCommand command, Deadline callerDeadline) {
                        throw new IllegalArgumentException("a library's bug, not the caller's");
                    }
                },
                ReasoningService.class);

        Status status = GrpcCalls.failureOf(router.reason(valid().build()));

        assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(status.getDescription())
                .startsWith("internal error, correlation id ")
                .doesNotContain("library");
    }

    @Test
    void bytesThatAreNoRequestAreInvalidArgumentOnEveryServiceOfThePort() {
        byte[] notUtf8Tier = {0x12, 0x01, (byte) 0x80};

        assertThat(GrpcCalls.sendBytes(channel, BudgetRouterGrpc.getReasonMethod(), notUtf8Tier, CallOptions.DEFAULT)
                        .getCode())
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(GrpcCalls.sendBytes(
                                channel,
                                RouterAdminGrpc.getListTiersMethod(),
                                new byte[] {(byte) 0xff},
                                CallOptions.DEFAULT)
                        .getCode())
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void aHugeTierNameIsRefusedWithoutBeingRepeated() {
        Status status = GrpcCalls.failureOf(
                router.reason(valid().setTier("x".repeat(100_000)).build()));

        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).isEqualTo("tier must be at most 128 characters, was 100000");
    }

    @Test
    void anUnknownTierIsEchoedBounded() {
        Status status = GrpcCalls.failureOf(
                router.reason(valid().setTier("y".repeat(128)).build()));

        assertThat(status.getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(status.getDescription())
                .startsWith("tier '" + "y".repeat(64) + "… (128 characters)' does not exist");
    }

    @Test
    void downstreamOutageMakesGrpcHealthNotServingAsHttpReadinessIsDown() {
        assertThat(GrpcCalls.awaitHealth(channel, "", ServingStatus.NOT_SERVING))
                .isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(GrpcCalls.awaitHealth(channel, "elastic.reasoning.v1.BudgetRouter", ServingStatus.NOT_SERVING))
                .isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(HttpGet.get(8191, "/q/health/ready").statusCode()).isEqualTo(503);
        assertThat(GrpcCalls.awaitHealth(channel, "liveness", ServingStatus.SERVING))
                .isEqualTo(ServingStatus.SERVING);
    }

    @Test
    void healthAndMetricsAnswerOnTheManagementPortNotOnTheClientsPort() {
        HttpGet.assertOperatorEndpointsOnlyOnManagementPort(8101, 8191);
    }
}
