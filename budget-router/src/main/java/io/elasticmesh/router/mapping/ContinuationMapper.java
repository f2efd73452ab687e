package io.elasticmesh.router.mapping;

import io.elasticmesh.conversation.mapping.ChatMessages;
import io.elasticmesh.conversation.mapping.Samplings;
import io.elasticmesh.conversation.mapping.TruncationReasons;
import io.elasticmesh.proto.audit.v1.GetContinuationResponse;
import io.elasticmesh.router.EarlierRequest;
import io.elasticmesh.router.ThinkingPhase;

/** audit-service's record of a request → what continuing it needs. */
public final class ContinuationMapper {

    private ContinuationMapper() {}

    public static EarlierRequest toEarlier(String requestId, GetContinuationResponse response) {
        var usage = response.getUsage();
        return new EarlierRequest(
                requestId,
                response.getTenant(),
                response.getRequest().getTier(),
                ChatMessages.toTurns(response.getRequest().getMessagesList()),
                new ThinkingPhase(
                        response.getThinkingPromptText(),
                        response.getThinkingText(),
                        false,
                        TruncationReasons.fromProto(response.getThinkingTruncated(), response.getTruncationReason()),
                        usage.getPromptTokens(),
                        usage.getThinkingTokens(),
                        0,
                        response.getBudget().getThinkingBudgetTokens()),
                Samplings.fromProto(response.getSampling()));
    }
}
