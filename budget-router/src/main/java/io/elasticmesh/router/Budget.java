package io.elasticmesh.router;

/**
 * The token budgets applied to one request: thinking {@code t} and solution {@code s}, both at least 1.
 *
 * @param thinkingClamped the request asked for more thinking than the tier's ceiling and asked to clamp, or t was
 *     lowered to fit the model's context window
 * @param solutionClamped the same for the solution budget
 * @param solutionRolloverTokens unused thinking tokens added to {@code s} (tiers with rollover only); included in
 *     {@code solutionTokens}
 */
public record Budget(
        int thinkingTokens,
        int solutionTokens,
        boolean thinkingClamped,
        boolean solutionClamped,
        int solutionRolloverTokens) {

    public Budget(int thinkingTokens, int solutionTokens) {
        this(thinkingTokens, solutionTokens, false, false, 0);
    }

    /** This budget with t lowered to {@code thinking} to fit the context window (s stays). */
    public Budget fittedToContextWindow(int thinking) {
        return new Budget(thinking, solutionTokens, true, solutionClamped, solutionRolloverTokens);
    }

    /** This budget with {@code tokens} more for the solution, rolled over from thinking. */
    public Budget withRollover(int tokens) {
        return new Budget(
                thinkingTokens,
                solutionTokens + tokens,
                thinkingClamped,
                solutionClamped,
                solutionRolloverTokens + tokens);
    }
}
