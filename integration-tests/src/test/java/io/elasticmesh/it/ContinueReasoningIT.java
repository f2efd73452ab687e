package io.elasticmesh.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.elasticmesh.cli.ApiKeys;
import io.elasticmesh.cli.AuditEvents;
import io.elasticmesh.local.LocalMesh;
import io.elasticmesh.proto.audit.v1.AuditEvent;
import io.elasticmesh.proto.audit.v1.AuditServiceGrpc;
import io.elasticmesh.proto.reasoning.v1.ContinueReasoningRequest;
import io.elasticmesh.proto.reasoning.v1.ContinueReasoningResponse;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** "Think more" after a cut answer, through the whole mesh. */
class ContinueReasoningIT {

    private static ReasonResponse cut() {
        ReasonResponse cut = SharedMesh.routerStub()
                .withDeadlineAfter(1, TimeUnit.MINUTES)
                .reason(SharedMesh.scripted("think=6 close=yes answer=3")
                        .setThinkingBudgetTokens(4)
                        .build());
        assertThat(cut.getThinkingTruncated()).isTrue();
        return cut;
    }

    private static ContinueReasoningResponse continueReasoning(String requestId, int extra, String tenant) {
        // Waits for the router while it restarts (see the audit store test).
        return SharedMesh.routerStub()
                .withWaitForReady()
                .withDeadlineAfter(1, TimeUnit.MINUTES)
                .continueReasoning(ContinueReasoningRequest.newBuilder()
                        .setRequestId(requestId)
                        .setExtraThinkingTokens(extra)
                        .setTenant(tenant)
                        .build());
    }

    @Test
    void continuingACutRequestThinksFurtherFromItsThinkingAndCountsOnlyNewTokens() {
        ReasonResponse cut = cut();

        ContinueReasoningResponse more = continueReasoning(cut.getRequestId(), 20, "it-tenant");

        ReasonResponse reply = more.getReply();
        assertThat(more.getContinuedRequestId()).isEqualTo(cut.getRequestId());
        assertThat(reply.getRequestId()).isNotEqualTo(cut.getRequestId());
        // The scripted model thinks its 6 steps again after the resumed prefix, then closes thinking itself.
        assertThat(reply.getThinkingText())
                .isEqualTo(cut.getThinkingText() + "think1 think2 think3 think4 think5 think6 ");
        assertThat(reply.getThinkingTruncated()).isFalse();
        assertThat(reply.getUsage().getThinkingTokens()).isEqualTo(7);
        assertThat(reply.getUsage().getForcedDelimiters()).isZero();
        assertThat(reply.getUsage().getPromptTokens())
                .isGreaterThan(cut.getUsage().getPromptTokens());
        assertThat(reply.getSolutionText()).isEqualTo("answer1 answer2 answer3 ");
        assertThat(reply.getBudget().getThinkingBudgetTokens()).isEqualTo(20);
    }

    @Test
    void aContinuationCutAgainCanItselfBeContinued() {
        ReasonResponse first =
                continueReasoning(cut().getRequestId(), 2, "it-tenant").getReply();
        assertThat(first.getThinkingTruncated()).isTrue();
        assertThat(first.getUsage().getThinkingTokens()).isEqualTo(2);

        ReasonResponse second =
                continueReasoning(first.getRequestId(), 3, "it-tenant").getReply();

        assertThat(second.getThinkingText()).startsWith(first.getThinkingText());
        assertThat(second.getUsage().getThinkingTokens()).isEqualTo(3);
    }

    @Test
    void refusalsNameWhatIsWrong() {
        String id = cut().getRequestId();

        assertThat(refusal(id, 5, "someone-else").getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(refusal("no-such-request", 5, "it-tenant").getStatus().getCode())
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(refusal(id, 0, "it-tenant").getStatus().getDescription()).contains("extra_thinking_tokens");
        ReasonResponse closed = SharedMesh.routerStub()
                .withDeadlineAfter(1, TimeUnit.MINUTES)
                .reason(SharedMesh.scripted("think=2 close=yes answer=1").build());
        // The scripted tier audits cut requests only: neither the router nor the audit store keeps this one.
        StatusRuntimeException notCut = refusal(closed.getRequestId(), 5, "it-tenant");
        assertThat(notCut.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(notCut.getStatus().getDescription()).contains("thinking was not cut");
    }

    /**
     * The router that answered is restarted, so no router holds the request: it is continued from its audit event,
     * the continuation is audited linked to it, and another tenant is refused.
     */
    @Test
    void aCutRequestNoRouterHoldsIsContinuedFromTheAuditStoreAndRefusedForAnotherTenant() {
        LocalMesh mesh = SharedMesh.mesh();
        ManagedChannel auditChannel = ManagedChannelBuilder.forAddress("127.0.0.1", mesh.auditPort())
                .usePlaintext()
                .build();
        try {
            AuditServiceGrpc.AuditServiceBlockingStub audit =
                    ApiKeys.attach(AuditServiceGrpc.newBlockingStub(auditChannel), mesh.auditApiKey());
            ReasonResponse cut = cut();
            AuditEvent stored = AuditEvents.await(audit, cut.getRequestId(), Duration.ofMinutes(2));
            assertThat(stored.getThinkingPromptText())
                    .contains("[[script think=6")
                    .contains("<think>");

            mesh.startService("budget-router", Map.of());

            assertThat(refusal(cut.getRequestId(), 5, "someone-else")
                            .getStatus()
                            .getCode())
                    .isEqualTo(Status.Code.PERMISSION_DENIED);
            ContinueReasoningResponse more = continueReasoning(cut.getRequestId(), 20, "it-tenant");
            assertThat(more.getContinuedRequestId()).isEqualTo(cut.getRequestId());
            assertThat(more.getReply().getThinkingText())
                    .isEqualTo(cut.getThinkingText() + "think1 think2 think3 think4 think5 think6 ");
            assertThat(more.getReply().getSolutionText()).isEqualTo("answer1 answer2 answer3 ");
            // Not cut again, and still audited: the cut request's history shows its continuation.
            AuditEvent continuation = AuditEvents.await(audit, more.getReply().getRequestId(), Duration.ofMinutes(2));
            assertThat(continuation.getContinuedRequestId()).isEqualTo(cut.getRequestId());
            assertThat(continuation.getResponse().getThinkingTruncated()).isFalse();
        } finally {
            auditChannel.shutdownNow();
        }
    }

    /** extra_thinking_tokens is a uint32: refusals name it (not the Reason field) and quote it as sent. */
    @Test
    void extraThinkingTokensAboveTheCeilingAreRefusedNamingTheFieldAndItsValueAsSent() {
        String id = cut().getRequestId();

        StatusRuntimeException intMax = refusal(id, Integer.MAX_VALUE, "it-tenant");
        assertThat(intMax.getStatus().getCode()).isEqualTo(Status.Code.OUT_OF_RANGE);
        assertThat(intMax.getStatus().getDescription())
                .startsWith("extra_thinking_tokens must be at most 64 (the ceiling of tier 'scripted'), was 2147483647")
                .doesNotContain("thinking_budget_tokens")
                .doesNotContain("clamp_budgets");
        // 4294967295 is a legal uint32, -1 as a Java int.
        StatusRuntimeException uintMax = refusal(id, -1, "it-tenant");
        assertThat(uintMax.getStatus().getCode()).isEqualTo(Status.Code.OUT_OF_RANGE);
        assertThat(uintMax.getStatus().getDescription())
                .contains("extra_thinking_tokens")
                .contains("was 4294967295");
    }

    private static StatusRuntimeException refusal(String id, int extra, String tenant) {
        return catchThrowableOfType(StatusRuntimeException.class, () -> continueReasoning(id, extra, tenant));
    }
}
