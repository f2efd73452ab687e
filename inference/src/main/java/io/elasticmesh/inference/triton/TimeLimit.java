package io.elasticmesh.inference.triton;

/**
 * When a generation must stop for time. The limit may move as the generation goes (e.g. to keep a later phase's
 * reserve at the speed the tokens actually arrive), so it is asked again at every token and when it comes due.
 */
@FunctionalInterface
public interface TimeLimit {

    /**
     * The {@link System#nanoTime()} at which to stop, given how the generation has gone.
     *
     * @param startNanos when the call started
     * @param firstTokenNanos when its first token arrived; meaningless while {@code tokens} is 0
     * @param tokens tokens generated so far
     * @param nowNanos now
     */
    long stopAtNanos(long startNanos, long firstTokenNanos, int tokens, long nowNanos);

    /** A fixed limit, at {@code stopAtNanos}. */
    static TimeLimit at(long stopAtNanos) {
        return (startNanos, firstTokenNanos, tokens, nowNanos) -> stopAtNanos;
    }
}
