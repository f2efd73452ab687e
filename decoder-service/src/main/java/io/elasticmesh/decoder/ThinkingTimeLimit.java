package io.elasticmesh.decoder;

import io.elasticmesh.inference.triton.TimeLimit;

/**
 * Deadline-elastic thinking at the speed this phase shows. The answer after it needs
 * {@code (overhead + s × ms per token) × safety}; thinking ends when what is left of the call's deadline falls to
 * that, with ms per token as the tokens have arrived so far (from the first to now, so a stall counts as slowness).
 * A model that slowed down since the caller last measured it thus ends thinking early enough for its answer, and
 * one that sped up thinks longer. Until two tokens have arrived there is no speed to go by, and the caller's share
 * of the deadline applies.
 *
 * @param shareEndNanos the caller's share (thinking_deadline_ms) as {@link System#nanoTime()};
 *     {@link Long#MAX_VALUE} for none
 * @param deadlineNanos the call's deadline as {@link System#nanoTime()}
 * @param solutionBudgetTokens s, at least 1
 * @param overheadMillis the solution phase's fixed cost, 0 or more
 * @param safetyFactor multiplies the answer's expected time; below 1 counts as 1
 */
public record ThinkingTimeLimit(
        long shareEndNanos, long deadlineNanos, int solutionBudgetTokens, double overheadMillis, double safetyFactor)
        implements TimeLimit {

    private static final double NANOS_PER_MILLI = 1_000_000.0;

    @Override
    public long stopAtNanos(long startNanos, long firstTokenNanos, int tokens, long nowNanos) {
        if (tokens < 2) {
            return shareEndNanos;
        }
        double nanosPerToken = (double) Math.max(0, nowNanos - firstTokenNanos) / (tokens - 1);
        return deadlineNanos - reserveNanos(nanosPerToken);
    }

    /** The answer's reserve at {@code nanosPerToken}. */
    public long reserveNanos(double nanosPerToken) {
        double expected = overheadMillis * NANOS_PER_MILLI + solutionBudgetTokens * nanosPerToken;
        return (long) Math.ceil(expected * Math.max(1, safetyFactor));
    }
}
