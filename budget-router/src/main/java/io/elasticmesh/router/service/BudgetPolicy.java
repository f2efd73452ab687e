package io.elasticmesh.router.service;

import java.util.OptionalInt;

/**
 * Turns a tier and a request's optional budgets into the budgets applied. A request may only lower its tier's
 * budgets; anything else is refused with a message naming the field, never silently changed.
 */
public final class BudgetPolicy {

    private BudgetPolicy() {
    }

    /** @throws IllegalArgumentException naming the field when a requested budget is outside 1..the tier's */
    public static Budget assign(Tier tier, OptionalInt requestedThinking, OptionalInt requestedSolution) {
        return new Budget(
                pick("thinking_budget_tokens", tier, tier.thinkingBudgetTokens(), requestedThinking),
                pick("solution_budget_tokens", tier, tier.solutionBudgetTokens(), requestedSolution));
    }

    private static int pick(String field, Tier tier, int ceiling, OptionalInt requested) {
        if (requested.isEmpty()) {
            return ceiling;
        }
        int value = requested.getAsInt();
        if (value < 1 || value > ceiling) {
            throw new IllegalArgumentException(field + " must be between 1 and " + ceiling + " for tier '"
                    + tier.name() + "', was " + value);
        }
        return value;
    }
}
