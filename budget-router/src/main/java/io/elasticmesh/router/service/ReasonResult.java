package io.elasticmesh.router.service;

import io.elasticmesh.inference.profile.Turn;
import java.time.Instant;
import java.util.List;

/**
 * One answered request, everything the reply and the audit record need. {@code configVersion}: the tier
 * configuration the request was admitted under.
 */
public record ReasonResult(String requestId, Instant receivedAt, String tenant, Tier tier, Budget budget,
        long deadlineMs, List<Turn> conversation, ThinkingPhase thinking, SolutionPhase solution, Timings timings,
        String configVersion) {

    /** Wall-clock milliseconds as the router saw them, hops included. */
    public record Timings(long thinkingMillis, long solutionMillis, long totalMillis) {
    }
}
