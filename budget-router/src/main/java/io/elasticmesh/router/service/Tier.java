package io.elasticmesh.router.service;

/**
 * An SLA tier as ops configure it.
 *
 * @param name tier name clients ask for
 * @param model mesh model name that serves the tier
 * @param thinkingBudgetTokens thinking budget t, also the ceiling a request may lower it from; at least 1
 * @param solutionBudgetTokens solution budget s, reserved for the answer; at least 1
 * @param deadlineMs end-to-end deadline in milliseconds; at least 1
 * @param audit which requests are published for audit
 */
public record Tier(String name, String model, int thinkingBudgetTokens, int solutionBudgetTokens, long deadlineMs,
        AuditMode audit) {

    /** A tier that audits only cut requests, the default. */
    public Tier(String name, String model, int thinkingBudgetTokens, int solutionBudgetTokens, long deadlineMs) {
        this(name, model, thinkingBudgetTokens, solutionBudgetTokens, deadlineMs, AuditMode.CUT_ONLY);
    }

    public Tier {
        require(thinkingBudgetTokens >= 1, name, "thinking-budget-tokens", thinkingBudgetTokens);
        require(solutionBudgetTokens >= 1, name, "solution-budget-tokens", solutionBudgetTokens);
        require(deadlineMs >= 1, name, "deadline-ms", deadlineMs);
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("tier '" + name + "': model must be set");
        }
    }

    private static void require(boolean valid, String tier, String field, long value) {
        if (!valid) {
            throw new IllegalArgumentException("tier '" + tier + "': " + field + " must be at least 1, was " + value);
        }
    }
}
