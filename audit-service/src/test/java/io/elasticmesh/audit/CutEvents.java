package io.elasticmesh.audit;

import com.google.protobuf.Timestamp;
import io.elasticmesh.proto.audit.v1.AuditEvent;
import io.elasticmesh.proto.reasoning.v1.AppliedBudget;
import io.elasticmesh.proto.reasoning.v1.ChatMessage;
import io.elasticmesh.proto.reasoning.v1.ReasonRequest;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import io.elasticmesh.proto.reasoning.v1.TruncationReason;
import java.time.Instant;
import java.util.UUID;

/** Audit events of cut requests for the review tests (the gRPC API and the console). */
public final class CutEvents {

    private CutEvents() {}

    /** A request of {@code tenant} on {@code tier} whose thinking was cut at its token budget. */
    public static AuditEvent event(String tenant, String tier, String thinking) {
        Instant now = Instant.now();
        return AuditEvent.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOccurredAt(
                        Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .setTenant(tenant)
                .setRequest(ReasonRequest.newBuilder()
                        .setTenant(tenant)
                        .setTier(tier)
                        .addMessages(ChatMessage.newBuilder()
                                .setRole(ChatMessage.Role.ROLE_USER)
                                .setContent("Why?")))
                .setResponse(ReasonResponse.newBuilder()
                        .setRequestId(UUID.randomUUID().toString())
                        .setThinkingText(thinking)
                        .setThinkingTruncated(true)
                        .setTruncationReason(TruncationReason.TRUNCATION_REASON_TOKEN_BUDGET)
                        .setSolutionText("answer")
                        .setBudget(AppliedBudget.newBuilder()
                                .setTier(tier)
                                .setModel("smollm2-135m")
                                .setThinkingBudgetTokens(2)
                                .setSolutionBudgetTokens(8)))
                .build();
    }
}
