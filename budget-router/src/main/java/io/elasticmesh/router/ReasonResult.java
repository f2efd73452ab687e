package io.elasticmesh.router;

import io.elasticmesh.conversation.Turn;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One answered request, everything the reply and the audit record need. {@code configVersion}: the tier
 * configuration the request was admitted under.
 *
 * @param requested the budgets the caller asked for, before the tier applied its own
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
        Optional<String> continuedRequestId) {

    /** Budgets as the caller sent them; empty when it left them to the tier. */
    public record Requested(OptionalInt thinkingTokens, OptionalInt solutionTokens) {}

    /** Wall-clock milliseconds as the router saw them, hops included. */
    public record Timings(long thinkingMillis, long solutionMillis, long totalMillis) {}
}
