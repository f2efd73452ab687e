package io.elasticmesh.router;

import java.util.Locale;

/**
 * The thinking budgets a tier gives OpenAI's {@code reasoning_effort} levels; each 1..the tier's thinking ceiling,
 * low ≤ medium ≤ high. A tier that configures none gets {@link #derived}.
 */
public record ReasoningEfforts(int lowTokens, int mediumTokens, int highTokens) {

    public ReasoningEfforts {
        if (lowTokens < 1 || lowTokens > mediumTokens || mediumTokens > highTokens) {
            throw new IllegalArgumentException("reasoning-effort-thinking-tokens must satisfy 1 <= low <= medium <= "
                    + "high, was low " + lowTokens + ", medium " + mediumTokens + ", high " + highTokens);
        }
    }

    /** Low a quarter of the default t, medium the default, high the ceiling. */
    public static ReasoningEfforts derived(int thinkingBudgetTokens, int thinkingBudgetCeilingTokens) {
        return new ReasoningEfforts(
                Math.max(1, thinkingBudgetTokens / 4), thinkingBudgetTokens, thinkingBudgetCeilingTokens);
    }

    /**
     * @param level {@code low}, {@code medium} or {@code high}
     * @throws IllegalArgumentException for any other level
     */
    public int thinkingTokens(String level) {
        return switch (level.toLowerCase(Locale.ROOT)) {
            case "low" -> lowTokens;
            case "medium" -> mediumTokens;
            case "high" -> highTokens;
            default -> throw new IllegalArgumentException("must be one of low, medium, high");
        };
    }
}
