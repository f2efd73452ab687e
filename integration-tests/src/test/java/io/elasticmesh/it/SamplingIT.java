package io.elasticmesh.it;

import static io.elasticmesh.it.SharedMesh.scripted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.BadRequest;
import io.elasticmesh.cli.ApiKeys;
import io.elasticmesh.cli.AuditEvents;
import io.elasticmesh.proto.audit.v1.AuditEvent;
import io.elasticmesh.proto.audit.v1.AuditServiceGrpc;
import io.elasticmesh.proto.reasoning.v1.ContinueReasoningRequest;
import io.elasticmesh.proto.reasoning.v1.ReasonRequest;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import io.elasticmesh.proto.reasoning.v1.Sampling;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Sampling settings through the whole mesh: the router applies the tier's bounds, both phases pass them to Triton
 * (the scripted model's {@code echo} writes what it received as its first token), and the reply and the audit
 * event record them.
 */
class SamplingIT {

    /** 4,000,000,000 is a uint32 above Java's int: it must reach Triton unsigned. */
    private static final Sampling SENT = Sampling.newBuilder()
            .setTemperature(0.7f)
            .setTopP(0.9f)
            .setSeed((int) 4_000_000_000L)
            .build();

    private static final String ECHO = "[sampling temperature=0.7 top_p=0.9 seed=4000000000] ";

    private static ReasonResponse reason(ReasonRequest request) {
        return SharedMesh.routerStub().withDeadlineAfter(1, TimeUnit.MINUTES).reason(request);
    }

    @Test
    void bothPhasesSampleAsAskedAndTheReplyAndTheAuditEventSaySo() {
        // Thinking is cut at 4 tokens (the echo and three steps), so the tier audits the request.
        ReasonResponse cut = reason(scripted("think=6 close=yes answer=2 echo")
                .setThinkingBudgetTokens(4)
                .setSampling(SENT)
                .build());

        assertThat(cut.getThinkingText()).isEqualTo(ECHO + "think1 think2 think3 ");
        assertThat(cut.getSolutionText()).isEqualTo(ECHO + "answer1 answer2 ");
        assertThat(cut.getSampling()).isEqualTo(SENT);
        ManagedChannel channel = ManagedChannelBuilder.forAddress(
                        "127.0.0.1", SharedMesh.mesh().auditPort())
                .usePlaintext()
                .build();
        try {
            AuditEvent event = AuditEvents.await(
                    ApiKeys.attach(
                            AuditServiceGrpc.newBlockingStub(channel),
                            SharedMesh.mesh().auditApiKey()),
                    cut.getRequestId(),
                    Duration.ofSeconds(60));
            assertThat(event.getRequest().getSampling()).isEqualTo(SENT);
            assertThat(event.getResponse()).isEqualTo(cut);
        } finally {
            channel.shutdownNow();
        }

        // Thinking more keeps the sampling the request was answered with.
        ReasonResponse more = SharedMesh.routerStub()
                .withDeadlineAfter(1, TimeUnit.MINUTES)
                .continueReasoning(ContinueReasoningRequest.newBuilder()
                        .setRequestId(cut.getRequestId())
                        .setExtraThinkingTokens(20)
                        .setTenant("it-tenant")
                        .build())
                .getReply();
        assertThat(more.getThinkingText())
                .isEqualTo(cut.getThinkingText() + ECHO + "think1 think2 think3 think4 think5 think6 ");
        assertThat(more.getSolutionText()).startsWith(ECHO);
        assertThat(more.getSampling()).isEqualTo(SENT);
    }

    @Test
    void withoutSamplingTheModelProfilesTemperatureAppliesAndNoSeed() {
        ReasonResponse reply =
                reason(scripted("think=1 close=yes answer=1 echo").build());

        // The scripted profile's temperature is 0 (greedy); top_p is left to the backend (vLLM: 1).
        assertThat(reply.getThinkingText()).isEqualTo("[sampling temperature=0 top_p=1 seed=none] think1 ");
        assertThat(reply.getSampling().getAllFields()).isEmpty();
    }

    @Test
    void malformedOrOutOfBoundsSamplingIsRefusedNamingTheFieldAndTheValue() {
        StatusRuntimeException nan = refusal(Sampling.newBuilder().setTemperature(Float.NaN));
        assertThat(nan.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(nan.getStatus().getDescription())
                .isEqualTo("sampling.temperature must be a finite number of 0 or " + "more, was NaN");
        assertThat(fieldViolation(nan)).isEqualTo("sampling.temperature");

        StatusRuntimeException hot = refusal(Sampling.newBuilder().setTemperature(2.5f));
        assertThat(hot.getStatus().getCode()).isEqualTo(Status.Code.OUT_OF_RANGE);
        assertThat(hot.getStatus().getDescription())
                .isEqualTo("sampling.temperature must be within 0.0..2.0 on tier 'scripted', was 2.5");
        assertThat(fieldViolation(hot)).isEqualTo("sampling.temperature");

        StatusRuntimeException zero = refusal(Sampling.newBuilder().setTopP(0f));
        assertThat(zero.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(fieldViolation(zero)).isEqualTo("sampling.top_p");
    }

    private static StatusRuntimeException refusal(Sampling.Builder sampling) {
        return catchThrowableOfType(
                StatusRuntimeException.class,
                () -> reason(scripted("think=1 answer=1").setSampling(sampling).build()));
    }

    private static String fieldViolation(StatusRuntimeException refused) throws IllegalStateException {
        try {
            for (var detail : StatusProto.fromThrowable(refused).getDetailsList()) {
                if (detail.is(BadRequest.class)) {
                    return detail.unpack(BadRequest.class).getFieldViolations(0).getField();
                }
            }
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
        throw new AssertionError("no BadRequest detail in " + refused);
    }
}
