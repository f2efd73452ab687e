package io.elasticmesh.audit;

import java.util.Optional;

/**
 * The outcome of recomputing one tenant's chains: its events and its review verdicts.
 *
 * @param anchored position of the newest anchor the event chain was checked against; 0 when there was none
 * @param verdictsChecked links of the review chain checked
 */
public record ChainReport(long checked, long retired, long anchored, long verdictsChecked, Optional<Break> firstBreak) {

    /** The event chain's outcome, before its verdicts are checked. */
    public ChainReport(long checked, long retired, long anchored, Optional<Break> firstBreak) {
        this(checked, retired, anchored, 0, firstBreak);
    }

    /**
     * The first link that does not hold; eventId and requestId are empty when the row is gone.
     *
     * @param chain {@link #EVENTS} or {@link #VERDICTS}
     */
    public record Break(String chain, long position, String eventId, String requestId, String problem) {

        public Break(long position, String eventId, String requestId, String problem) {
            this(EVENTS, position, eventId, requestId, problem);
        }
    }

    public static final String EVENTS = "events";
    public static final String VERDICTS = "verdicts";

    /** This report with the review chain's outcome; an event chain break stays the first break. */
    public ChainReport withVerdicts(long verdictsChecked, Optional<Break> verdictBreak) {
        return new ChainReport(
                checked, retired, anchored, verdictsChecked, firstBreak.isPresent() ? firstBreak : verdictBreak);
    }

    public boolean intact() {
        return firstBreak.isEmpty();
    }
}
