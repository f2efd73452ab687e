package io.elasticmesh.solution.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.elasticmesh.conversation.PhaseEvent;
import io.elasticmesh.conversation.Sampling;
import io.elasticmesh.local.quarkus.GrpcCalls;
import io.elasticmesh.local.quarkus.HttpGet;
import io.elasticmesh.proto.reasoning.v1.GenerateSolutionRequest;
import io.elasticmesh.proto.reasoning.v1.SolutionService;
import io.elasticmesh.proto.reasoning.v1.SolutionServiceGrpc;
import io.elasticmesh.solution.Solution;
import io.elasticmesh.solution.service.AnswerService;
import io.grpc.CallOptions;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Multi;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The error policy at solution-service's edge, with Triton unreachable: an outage is UNAVAILABLE and makes the
 * service unready over HTTP and gRPC health alike, a failure nobody expected is INTERNAL with a correlation id,
 * bytes that are no request are INVALID_ARGUMENT, a field beyond its limit is INVALID_ARGUMENT naming it.
 */
@QuarkusTest
@TestProfile(SolutionErrorPolicyTests.NoTriton.class)
class SolutionErrorPolicyTests {

    public static class NoTriton implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.grpc.clients.triton.host", "127.0.0.1", "quarkus.grpc.clients.triton.test-port", "1");
        }
    }

    @GrpcClient("solution")
    SolutionService solution;

    private ManagedChannel channel;

    @BeforeEach
    void connect() {
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", 9301)
                .usePlaintext()
                .build();
    }

    @AfterEach
    void disconnect() {
        channel.shutdownNow();
    }

    private static GenerateSolutionRequest.Builder request() {
        return GenerateSolutionRequest.newBuilder()
                .setRequestId("policy")
                .setModel("scripted")
                .setPromptText("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n<think>\n")
                .setThinkingText("think1 ")
                .setSolutionBudgetTokens(4);
    }

    @Test
    void tritonOutageIsUnavailable() {
        assertThat(GrpcCalls.failureOf(solution.generateSolution(request().build()))
                        .getCode())
                .isEqualTo(Status.Code.UNAVAILABLE);
    }

    @Test
    void anUnexpectedFailureIsInternalWithACorrelationIdAndNoDetail() {
        QuarkusMock.installMockForType(
                new AnswerService(null, null) {
                    @Override
                    public Multi<PhaseEvent<Solution>> solve(
                            String requestId,
                            String model,
                            String thinkingPrompt,
                            String thinking,
                            boolean thinkingClosedByModel,
                            int solutionBudgetTokens,
                            Sampling sampling,
                            Deadline deadline) {
                        throw new IllegalStateException("a bug, not the caller's");
                    }
                },
                AnswerService.class);

        Status status = GrpcCalls.failureOf(solution.generateSolution(request().build()));

        assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(status.getDescription())
                .startsWith("internal error, correlation id ")
                .doesNotContain("bug");
    }

    @Test
    void bytesThatAreNoRequestAreInvalidArgument() {
        Status status = GrpcCalls.sendBytes(
                channel,
                SolutionServiceGrpc.getStreamSolutionMethod(),
                new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff},
                CallOptions.DEFAULT);

        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).startsWith("the request is not a valid StreamSolutionRequest: ");
    }

    @Test
    void aThinkingTextBeyondItsLimitIsRefusedWithoutBeingRepeated() {
        Status status = GrpcCalls.failureOf(solution.generateSolution(
                request().setThinkingText("t".repeat(2_097_153)).build()));

        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).isEqualTo("thinking_text must be at most 2097152 characters, was 2097153");
    }

    @Test
    void tritonOutageMakesGrpcHealthNotServingAsHttpReadinessIsDown() {
        assertThat(GrpcCalls.awaitHealth(channel, "", ServingStatus.NOT_SERVING))
                .isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(HttpGet.get(8391, "/q/health/ready").statusCode()).isEqualTo(503);
        assertThat(GrpcCalls.awaitHealth(channel, "liveness", ServingStatus.SERVING))
                .isEqualTo(ServingStatus.SERVING);
    }

    @Test
    void healthAndMetricsAnswerOnTheManagementPortNotOnTheClientsPort() {
        HttpGet.assertOperatorEndpointsOnlyOnManagementPort(8301, 8391);
    }
}
