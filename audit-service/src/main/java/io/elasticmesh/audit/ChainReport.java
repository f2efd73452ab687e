package io.elasticmesh.audit;

import java.util.Optional;

/**
 * The outcome of recomputing one tenant's chain.
 *
 * @param anchored position of the newest anchor the chain was checked against; 0 when there was none
 */
public record ChainReport(long checked, long retired, long anchored, Optional<Break> firstBreak) {

    /** The first link that does not hold; eventId and requestId are empty when the row is gone. */
    public record Break(long position, String eventId, String requestId, String problem) {}

    public boolean intact() {
        return firstBreak.isEmpty();
    }
}
