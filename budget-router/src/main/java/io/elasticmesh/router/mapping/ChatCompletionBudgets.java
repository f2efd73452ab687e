package io.elasticmesh.router.mapping;

import io.elasticmesh.edge.Echo;
import io.elasticmesh.edge.InvalidArgument;
import io.elasticmesh.router.Tier;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The OpenAI-compatible budget fields turned into the router's (t, s), before the tier's ceilings apply
 * ({@link io.elasticmesh.router.BudgetPolicy}, with {@code clamp_budgets} as in gRPC):
 * <ul>
 * <li>{@code thinking_token_budget} is t and {@code solution_token_budget} is s, as sent;</li>
 * <li>{@code reasoning_effort} (low, medium, high) is the tier's thinking budget for that level;</li>
 * <li>{@code max_completion_tokens} (or the older {@code max_tokens}) caps thinking and answer together. s is kept
 * whole (the one sent, else the tier's reserve) and thinking gets the rest: t = max − s when no thinking budget is
 * named (at most the tier's ceiling, as the cap is a cap, not a request for more), else t as named or as the effort
 * says, capped at max − s for an effort, refused above it for a number. max ≤ s is refused: the answer's reserve
 * would not be kept.</li>
 * </ul>
 * Combinations that say two things are refused, never guessed: both max fields, or both a thinking budget and an
 * effort.
 */
public final class ChatCompletionBudgets {

    public static final String THINKING = "thinking_token_budget";
    public static final String SOLUTION = "solution_token_budget";
    public static final String MAX_COMPLETION = "max_completion_tokens";
    public static final String MAX_TOKENS = "max_tokens";
    public static final String EFFORT = "reasoning_effort";

    /** The fields as sent; empty when absent. */
    public record Requested(
            OptionalLong thinkingTokenBudget,
            OptionalLong solutionTokenBudget,
            OptionalLong maxCompletionTokens,
            OptionalLong maxTokens,
            Optional<String> reasoningEffort) {}

    /** The budgets for {@code ReasonRequest}; empty leaves it to the tier. */
    public record Split(OptionalLong thinkingTokens, OptionalLong solutionTokens) {}

    private ChatCompletionBudgets() {}

    /** @throws InvalidArgument naming the field(s) of a value out of range or a conflicting combination */
    public static Split split(Tier tier, Requested requested) {
        atLeastOne(THINKING, requested.thinkingTokenBudget());
        atLeastOne(SOLUTION, requested.solutionTokenBudget());
        atLeastOne(MAX_COMPLETION, requested.maxCompletionTokens());
        atLeastOne(MAX_TOKENS, requested.maxTokens());
        if (requested.maxCompletionTokens().isPresent() && requested.maxTokens().isPresent()) {
            throw new InvalidArgument(MAX_COMPLETION, "and max_tokens (its older name) are both set; set one of them");
        }
        if (requested.thinkingTokenBudget().isPresent()
                && requested.reasoningEffort().isPresent()) {
            throw new InvalidArgument(
                    THINKING, "and reasoning_effort are both set, and both choose the thinking budget; set one");
        }
        OptionalLong effort = requested.reasoningEffort().isEmpty()
                ? OptionalLong.empty()
                : OptionalLong.of(effortTokens(tier, requested.reasoningEffort().get()));
        OptionalLong thinking = requested.thinkingTokenBudget().isPresent() ? requested.thinkingTokenBudget() : effort;
        String maxField = requested.maxTokens().isPresent() ? MAX_TOKENS : MAX_COMPLETION;
        OptionalLong max = requested.maxTokens().isPresent() ? requested.maxTokens() : requested.maxCompletionTokens();
        if (max.isEmpty()) {
            return new Split(thinking, requested.solutionTokenBudget());
        }
        long reserve = requested.solutionTokenBudget().orElse(tier.solutionBudgetTokens());
        long room = max.getAsLong() - reserve;
        if (room < 1) {
            throw new InvalidArgument(
                    maxField,
                    "(" + max.getAsLong() + ") must exceed the answer's reserve of " + reserve
                            + " tokens ("
                            + (requested.solutionTokenBudget().isPresent()
                                    ? "solution_token_budget"
                                    : "tier '" + tier.name() + "'")
                            + ") by at least 1 thinking token; raise it or lower solution_token_budget");
        }
        if (requested.thinkingTokenBudget().isPresent()
                && requested.thinkingTokenBudget().getAsLong() > room) {
            throw new InvalidArgument(
                    THINKING,
                    "(" + requested.thinkingTokenBudget().getAsLong() + ") plus the answer's reserve of "
                            + reserve + " tokens exceeds " + maxField + " (" + max.getAsLong()
                            + "); lower one of them");
        }
        long capped = thinking.isPresent()
                ? Math.min(thinking.getAsLong(), room)
                : Math.min(room, tier.thinkingBudgetCeilingTokens());
        return new Split(OptionalLong.of(capped), OptionalLong.of(reserve));
    }

    private static int effortTokens(Tier tier, String level) {
        try {
            return tier.reasoningEfforts().thinkingTokens(level);
        } catch (IllegalArgumentException unknown) {
            throw new InvalidArgument(EFFORT, unknown.getMessage() + ", was '" + Echo.bounded(level) + "'");
        }
    }

    private static void atLeastOne(String field, OptionalLong value) {
        if (value.isPresent() && value.getAsLong() < 1) {
            throw new InvalidArgument(field, "must be at least 1, was " + value.getAsLong());
        }
    }
}
