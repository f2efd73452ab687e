package io.elasticmesh.router.service;

import io.elasticmesh.edge.InvalidArgument;
import java.util.OptionalInt;

/**
 * Turns a tier and a request's optional budgets into the budgets applied. A request may lower its tier's budgets;
 * one above the tier's ceiling is refused naming the ceiling, or lowered to it when the request asked to clamp (and
 * the applied budget says so). Never silently changed.
 */
public final class BudgetPolicy {

    private BudgetPolicy() {
    }

    /**
     * @throws InvalidArgument naming the field when a requested budget is below 1
     * @throws BudgetAboveCeiling naming the field and the ceiling when one is above the tier's and {@code clamp} is
     *     false
     */
    public static Budget assign(Tier tier, OptionalInt requestedThinking, OptionalInt requestedSolution,
            boolean clamp) {
        int thinking = pick("thinking_budget_tokens", tier, tier.thinkingBudgetTokens(),
                tier.thinkingBudgetCeilingTokens(), requestedThinking, clamp);
        int solution = pick("solution_budget_tokens", tier, tier.solutionBudgetTokens(), tier.solutionBudgetTokens(),
                requestedSolution, clamp);
        return new Budget(thinking, solution, requestedThinking.orElse(0) > tier.thinkingBudgetCeilingTokens(),
                requestedSolution.orElse(0) > tier.solutionBudgetTokens(), 0);
    }

    /**
     * Thinking tokens the solution may add to its budget after thinking used {@code thinkingTokensUsed}: the unused
     * rest when the tier enables rollover and the model closed thinking itself, otherwise 0. Thinking cut for time
     * leaves nothing to roll over: a longer answer would not fit the deadline either.
     */
    public static int rollover(Tier tier, Budget budget, int thinkingTokensUsed, boolean thinkingCut) {
        if (!tier.rolloverUnusedThinking() || thinkingCut) {
            return 0;
        }
        return Math.max(0, budget.thinkingTokens() - thinkingTokensUsed);
    }

    private static int pick(String field, Tier tier, int byDefault, int ceiling, OptionalInt requested,
            boolean clamp) {
        if (requested.isEmpty()) {
            return byDefault;
        }
        int value = requested.getAsInt();
        if (value < 1) {
            throw new InvalidArgument(field, "must be at least 1, was " + value);
        }
        if (value > ceiling) {
            if (clamp) {
                return ceiling;
            }
            throw new BudgetAboveCeiling(field + " must be at most " + ceiling + " (the ceiling of tier '"
                    + tier.name() + "'), was " + value + "; lower it, or set clamp_budgets to apply the ceiling");
        }
        return value;
    }
}
