package io.elasticmesh.router;

import io.elasticmesh.conversation.Sampling;
import io.elasticmesh.conversation.Turn;
import java.util.List;

/**
 * A request asked to think more, as continuing it needs it: from this router's {@link ThinkingHold} while it holds
 * it, else from the audit store (any replica, any time while its audit event is retained).
 *
 * @param tier the tier's name; the continuation is admitted to the tier of that name as it is configured now
 * @param thinking the thinking phase as generated: its rendered prompt, its text and whether it was cut
 * @param sampling the sampling applied to it; the continuation samples alike (checked again against the tier)
 */
public record EarlierRequest(
        String requestId,
        String tenant,
        String tier,
        List<Turn> conversation,
        ThinkingPhase thinking,
        Sampling sampling) {

    public static EarlierRequest of(ReasonResult result) {
        return new EarlierRequest(
                result.requestId(),
                result.tenant(),
                result.tier().name(),
                result.conversation(),
                result.thinking(),
                result.sampling());
    }
}
