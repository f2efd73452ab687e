package io.elasticmesh.router;

import io.elasticmesh.conversation.Sampling;
import io.elasticmesh.conversation.Turn;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One answered request, everything the reply and the audit record need. {@code configVersion}: the tier
 * configuration the request was admitted under.
 *
 * @param requested the budgets and sampling the caller asked for, before the tier applied its own
 * @param sampling the sampling applied to both phases
 * @param continuedRequestId for a continuation, the request it continued
 */
public record ReasonResult(
        String requestId,
        Instant receivedAt,
        String tenant,
        Tier tier,
        Budget budget,
        long deadlineMs,
        List<Turn> conversation,
        ThinkingPhase thinking,
        SolutionPhase solution,
        Timings timings,
        String configVersion,
        Requested requested,
        Sampling sampling,
        Optional<String> continuedRequestId) {

    /** Whether the tier's review rule sends this answer to a person; the same on every replica and replay. */
    public boolean reviewRequired() {
        return tier.review().requires(requestId, thinking.truncated());
    }

    /** Budgets and sampling as the caller sent them; empty when it left them to the tier. */
    public record Requested(OptionalInt thinkingTokens, OptionalInt solutionTokens, Sampling sampling) {}

    /** Wall-clock milliseconds as the router saw them, hops included. */
    public record Timings(long thinkingMillis, long solutionMillis, long totalMillis) {}
}
