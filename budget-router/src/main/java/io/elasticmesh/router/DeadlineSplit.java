package io.elasticmesh.router;

/**
 * Splits what is left of a request's deadline between thinking and the solution. The solution keeps a reserve
 * large enough for its whole budget at the model's measured speed ({@code overhead + s × ms-per-token}, times a
 * safety factor); thinking gets the rest, and the decoder stops thinking when that share is spent even if tokens
 * remain. So a slow model answers within the deadline with shorter thinking instead of missing it.
 *
 * @param thinkingMillis the thinking phase's share, 0 when the reserve already fills the deadline
 * @param solutionReserveMillis kept for the solution phase
 */
public record DeadlineSplit(long thinkingMillis, long solutionReserveMillis) {

    /**
     * @param remainingMillis what is left of the deadline, 0 or more
     * @param solutionBudgetTokens the solution budget s the reserve must cover
     * @param speed the model's measured (or assumed) speed
     * @param safetyFactor multiplies the expected solution time, at least 1
     */
    public static DeadlineSplit of(
            long remainingMillis, int solutionBudgetTokens, ModelSpeed speed, double safetyFactor) {
        long reserve = solutionReserveMillis(solutionBudgetTokens, speed, safetyFactor);
        return new DeadlineSplit(
                Math.max(0, remainingMillis - reserve), Math.min(reserve, Math.max(0, remainingMillis)));
    }

    /** The time the solution phase needs at this speed: also the least service time of any request. */
    public static long solutionReserveMillis(int solutionBudgetTokens, ModelSpeed speed, double safetyFactor) {
        double expected = speed.solutionOverheadMillis() + solutionBudgetTokens * speed.millisPerToken();
        return (long) Math.ceil(expected * safetyFactor);
    }

    /**
     * A model's speed, smoothed over recent requests.
     *
     * @param millisPerToken decode time per generated token
     * @param solutionOverheadMillis the rest of a solution phase's time: the hop and the prompt prefill
     */
    public record ModelSpeed(double millisPerToken, double solutionOverheadMillis) {}
}
