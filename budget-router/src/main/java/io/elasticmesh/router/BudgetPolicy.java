package io.elasticmesh.router;

import io.elasticmesh.edge.InvalidArgument;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Turns a tier and a request's optional budgets into the budgets applied. A request may lower its tier's budgets;
 * one above the tier's ceiling is refused naming the ceiling, or lowered to it when the request asked to clamp (and
 * the applied budget says so). Never silently changed.
 */
public final class BudgetPolicy {

    private BudgetPolicy() {}

    /** The request field that carries a thinking budget in {@code Reason}. */
    public static final String THINKING_FIELD = "thinking_budget_tokens";

    /**
     * @throws InvalidArgument naming the field when a requested budget is below 1
     * @throws BudgetAboveCeiling naming the field and the ceiling when one is above the tier's and {@code clamp} is
     *     false
     */
    public static Budget assign(
            Tier tier, OptionalInt requestedThinking, OptionalInt requestedSolution, boolean clamp) {
        return assign(
                tier,
                THINKING_FIELD,
                requestedThinking.isPresent() ? OptionalLong.of(requestedThinking.getAsInt()) : OptionalLong.empty(),
                requestedSolution,
                clamp);
    }

    /**
     * As above, for a thinking budget sent in {@code thinkingField} (e.g. ContinueReasoning's uint32
     * {@code extra_thinking_tokens}, read unsigned): refusals name that field and its value as sent.
     */
    public static Budget assign(
            Tier tier,
            String thinkingField,
            OptionalLong requestedThinking,
            OptionalInt requestedSolution,
            boolean clamp) {
        int thinking = pick(
                thinkingField,
                tier,
                tier.thinkingBudgetTokens(),
                tier.thinkingBudgetCeilingTokens(),
                requestedThinking,
                clamp);
        int solution = pick(
                "solution_budget_tokens",
                tier,
                tier.solutionBudgetTokens(),
                tier.solutionBudgetTokens(),
                requestedSolution.isPresent() ? OptionalLong.of(requestedSolution.getAsInt()) : OptionalLong.empty(),
                clamp);
        return new Budget(
                thinking,
                solution,
                requestedThinking.orElse(0) > tier.thinkingBudgetCeilingTokens(),
                requestedSolution.orElse(0) > tier.solutionBudgetTokens(),
                0);
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

    private static int pick(
            String field, Tier tier, int byDefault, int ceiling, OptionalLong requested, boolean clamp) {
        if (requested.isEmpty()) {
            return byDefault;
        }
        long value = requested.getAsLong();
        if (value < 1) {
            throw new InvalidArgument(field, "must be at least 1, was " + value);
        }
        if (value > ceiling) {
            if (clamp) {
                return ceiling;
            }
            boolean clampable = field.equals(THINKING_FIELD) || field.equals("solution_budget_tokens");
            throw new BudgetAboveCeiling(field + " must be at most " + ceiling + " (the ceiling of tier '"
                    + tier.name() + "'), was " + value + "; lower it"
                    + (clampable ? ", or set clamp_budgets to apply the ceiling" : ""));
        }
        return (int) value;
    }
}
