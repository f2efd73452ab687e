package io.elasticmesh.router.mapping;

import com.google.protobuf.Timestamp;
import io.elasticmesh.inference.mapping.ChatMessages;
import io.elasticmesh.proto.audit.v1.ThinkingTruncated;
import io.elasticmesh.router.service.ReasonResult;
import java.util.UUID;

/** Domain → the audit event published when thinking was cut. */
public final class AuditMapper {

    private AuditMapper() {
    }

    public static ThinkingTruncated toEvent(ReasonResult result) {
        return ThinkingTruncated.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setRequestId(result.requestId())
                .setOccurredAt(Timestamp.newBuilder()
                        .setSeconds(result.receivedAt().getEpochSecond())
                        .setNanos(result.receivedAt().getNano()))
                .setTenant(result.tenant())
                .setTier(result.tier().name())
                .setModel(result.tier().model())
                .addAllMessages(ChatMessages.toMessages(result.conversation()))
                .setThinkingBudgetTokens(result.budget().thinkingTokens())
                .setSolutionBudgetTokens(result.budget().solutionTokens())
                .setThinkingText(result.thinking().text())
                .setThinkingTokens(result.thinking().tokens())
                .setForcedDelimiters(result.solution().forcedDelimiters())
                .setSolutionText(result.solution().text())
                .setSolutionTokens(result.solution().tokens())
                .setSolutionFinishReason(ReasonMapper.finishReason(result.solution().budgetReached()))
                .setThinkingMs((int) result.timings().thinkingMillis())
                .setSolutionMs((int) result.timings().solutionMillis())
                .setTotalMs((int) result.timings().totalMillis())
                .build();
    }
}
