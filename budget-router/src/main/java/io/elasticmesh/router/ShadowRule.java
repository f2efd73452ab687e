package io.elasticmesh.router;

/**
 * Which of a tier's answered requests are re-run in the background with a larger thinking budget (the tier file's
 * {@code shadow}), so ops see in production whether the tier's budget is too tight. Only requests whose thinking was
 * cut are shadowed: one the model closed itself would think the same with more room, so re-running it spends idle
 * capacity to learn nothing. The sample is drawn from the request id's SHA-256, as {@link ReviewRule}'s, salted so
 * the shadowed and the reviewed samples are independent; every replica and a replay decide the same.
 *
 * @param fraction of the cut requests shadowed, 0 to 1; 0 shadows none
 * @param thinkingBudgetTokens the shadow's thinking budget; above the tier's t (checked by {@link Tier}), 0 when
 *     the fraction is 0
 */
public record ShadowRule(double fraction, int thinkingBudgetTokens) {

    /** The default: nothing is shadowed. */
    public static final ShadowRule NONE = new ShadowRule(0, 0);

    public ShadowRule {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("shadow.fraction must be 0 to 1, was " + fraction);
        }
        if (thinkingBudgetTokens < 0) {
            throw new IllegalArgumentException(
                    "shadow.thinking-budget-tokens must not be negative, was " + thinkingBudgetTokens);
        }
    }

    /** Whether the answered request {@code requestId}, whose thinking was or was not cut, is shadowed. */
    public boolean selects(String requestId, boolean thinkingCut) {
        return thinkingCut && fraction > 0 && ReviewRule.point("shadow:" + requestId) < fraction;
    }
}
