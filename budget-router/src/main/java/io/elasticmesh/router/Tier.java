package io.elasticmesh.router;

import io.elasticmesh.conversation.TokenPrice;
import java.util.Optional;

/**
 * An SLA tier as ops configure it (see {@code k8s/base/tiers.yaml} for the file format).
 *
 * @param name tier name clients ask for
 * @param model mesh model name that serves the tier
 * @param thinkingBudgetTokens thinking budget t applied when a request names none; at least 1
 * @param thinkingBudgetCeilingTokens the most thinking a request may ask for; at least the default
 * @param solutionBudgetTokens solution budget s, reserved for the answer, also its ceiling; at least 1
 * @param deadlineMs end-to-end deadline (the latency SLO) in milliseconds; at least 1
 * @param priority higher is admitted first when requests of several tiers wait; 0 or more
 * @param maxConcurrentRequests requests of this tier in flight at once; at least 1
 * @param queueLimit requests of this tier that may wait for a slot; 0 refuses at once when all slots are taken
 * @param rolloverUnusedThinking when true, thinking tokens left unused are added to the solution budget
 * @param audit which of the tier's requests are published for audit
 * @param review which of the tier's cut requests a person must review
 * @param sampling what the tier allows of a request's sampling, and its defaults
 * @param reasoningEfforts thinking budgets for the HTTP API's {@code reasoning_effort} levels, within the ceiling
 * @param quotaStoreOutage admit or refuse a request that needs quota from the shared store while it is unreachable
 * @param shadow which answered requests are re-run in the background with a larger thinking budget
 * @param price what the tier's model's tokens cost, for the shadow evaluation's cost per answer; empty when unpriced
 */
public record Tier(
        String name,
        String model,
        int thinkingBudgetTokens,
        int thinkingBudgetCeilingTokens,
        int solutionBudgetTokens,
        long deadlineMs,
        int priority,
        int maxConcurrentRequests,
        int queueLimit,
        boolean rolloverUnusedThinking,
        AuditMode audit,
        ReviewRule review,
        SamplingBounds sampling,
        ReasoningEfforts reasoningEfforts,
        QuotaStoreOutage quotaStoreOutage,
        ShadowRule shadow,
        Optional<TokenPrice> price) {

    /**
     * A tier with every optional field at its default: it audits only cut requests, sends none to review, has the
     * proto's own sampling bounds and the derived reasoning efforts, and fails open when the shared quota store is
     * unreachable, and shadows nothing.
     */
    public Tier(
            String name,
            String model,
            int thinkingBudgetTokens,
            int thinkingBudgetCeilingTokens,
            int solutionBudgetTokens,
            long deadlineMs,
            int priority,
            int maxConcurrentRequests,
            int queueLimit,
            boolean rolloverUnusedThinking) {
        this(
                name,
                model,
                thinkingBudgetTokens,
                thinkingBudgetCeilingTokens,
                solutionBudgetTokens,
                deadlineMs,
                priority,
                maxConcurrentRequests,
                queueLimit,
                rolloverUnusedThinking,
                AuditMode.CUT_ONLY,
                ReviewRule.NONE,
                SamplingBounds.OPEN,
                defaultEfforts(thinkingBudgetTokens, thinkingBudgetCeilingTokens),
                QuotaStoreOutage.FAIL_OPEN,
                ShadowRule.NONE,
                Optional.empty());
    }

    /** The reasoning efforts of a tier whose file names none, {@link ReasoningEfforts#derived derived} from t. */
    public static ReasoningEfforts defaultEfforts(int thinkingBudgetTokens, int thinkingBudgetCeilingTokens) {
        // Bounded so that an invalid t or ceiling is refused by the tier's own checks, which name the field.
        int t = Math.max(1, thinkingBudgetTokens);
        return ReasoningEfforts.derived(t, Math.max(t, thinkingBudgetCeilingTokens));
    }

    public Tier {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("tier '" + name + "': model must be set");
        }
        atLeast(1, thinkingBudgetTokens, name, "thinking-budget-tokens");
        if (thinkingBudgetCeilingTokens < thinkingBudgetTokens) {
            throw new IllegalArgumentException("tier '" + name + "': thinking-budget-ceiling-tokens must be at least "
                    + "thinking-budget-tokens (" + thinkingBudgetTokens + "), was " + thinkingBudgetCeilingTokens);
        }
        atLeast(1, solutionBudgetTokens, name, "solution-budget-tokens");
        atLeast(1, deadlineMs, name, "deadline-ms");
        atLeast(0, priority, name, "priority");
        atLeast(1, maxConcurrentRequests, name, "max-concurrent-requests");
        atLeast(0, queueLimit, name, "queue-limit");
        if (reasoningEfforts.highTokens() > thinkingBudgetCeilingTokens) {
            throw new IllegalArgumentException("tier '" + name + "': reasoning-effort-thinking-tokens high must be at "
                    + "most thinking-budget-ceiling-tokens (" + thinkingBudgetCeilingTokens + "), was "
                    + reasoningEfforts.highTokens());
        }
        // A shadow no larger than t would only repeat the answer; one above the ceiling asks what no request may.
        if (shadow.fraction() > 0
                && (shadow.thinkingBudgetTokens() <= thinkingBudgetTokens
                        || shadow.thinkingBudgetTokens() > thinkingBudgetCeilingTokens)) {
            throw new IllegalArgumentException("tier '" + name + "': shadow.thinking-budget-tokens must be above "
                    + "thinking-budget-tokens (" + thinkingBudgetTokens
                    + ") and at most thinking-budget-ceiling-tokens ("
                    + thinkingBudgetCeilingTokens + "), was " + shadow.thinkingBudgetTokens());
        }
    }

    private static void atLeast(long min, long value, String tier, String field) {
        if (value < min) {
            throw new IllegalArgumentException(
                    "tier '" + tier + "': " + field + " must be at least " + min + ", was " + value);
        }
    }
}
