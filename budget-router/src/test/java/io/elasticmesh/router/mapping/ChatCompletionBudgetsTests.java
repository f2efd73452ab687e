package io.elasticmesh.router.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.elasticmesh.edge.InvalidArgument;
import io.elasticmesh.router.Tier;
import io.elasticmesh.router.mapping.ChatCompletionBudgets.Requested;
import io.elasticmesh.router.mapping.ChatCompletionBudgets.Split;
import java.util.Optional;
import java.util.OptionalLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Invariants of the OpenAI budget fields' split into (t, s), over random tiers and requests. */
class ChatCompletionBudgetsTests {

    private static final OptionalLong NONE = OptionalLong.empty();

    @Provide
    Arbitrary<Tier> tiers() {
        return Combinators.combine(
                        Arbitraries.integers().between(1, 4096),
                        Arbitraries.integers().between(0, 4096),
                        Arbitraries.integers().between(1, 4096))
                .as((t, extra, s) -> new Tier("t", "m", t, t + extra, s, 1000, 0, 1, 0, false));
    }

    private static Requested max(long max) {
        return new Requested(NONE, NONE, OptionalLong.of(max), NONE, Optional.empty());
    }

    @Property
    void aMaximumKeepsTheAnswersReserveAndGivesThinkingTheRest(
            @ForAll("tiers") Tier tier, @ForAll @LongRange(min = 1, max = 20_000) long max) {
        if (max <= tier.solutionBudgetTokens()) {
            InvalidArgument refused =
                    catchThrowableOfType(InvalidArgument.class, () -> ChatCompletionBudgets.split(tier, max(max)));
            assertThat(refused.field()).isEqualTo("max_completion_tokens");
            return;
        }
        Split split = ChatCompletionBudgets.split(tier, max(max));

        long t = split.thinkingTokens().getAsLong();
        assertThat(split.solutionTokens()).hasValue(tier.solutionBudgetTokens());
        assertThat(t).isBetween(1L, (long) tier.thinkingBudgetCeilingTokens());
        assertThat(t + tier.solutionBudgetTokens()).isLessThanOrEqualTo(max);
        // All of the rest, unless the ceiling is lower.
        assertThat(t).isEqualTo(Math.min(max - tier.solutionBudgetTokens(), tier.thinkingBudgetCeilingTokens()));
    }

    @Property
    void anExplicitThinkingBudgetIsKeptWithinTheMaximumAndRefusedBeyondIt(
            @ForAll("tiers") Tier tier,
            @ForAll @LongRange(min = 1, max = 10_000) long thinking,
            @ForAll @LongRange(min = 1, max = 10_000) long solution,
            @ForAll @LongRange(min = 2, max = 20_000) long max) {
        Requested requested = new Requested(
                OptionalLong.of(thinking), OptionalLong.of(solution), NONE, OptionalLong.of(max), Optional.empty());
        if (thinking + solution > max) {
            InvalidArgument refused =
                    catchThrowableOfType(InvalidArgument.class, () -> ChatCompletionBudgets.split(tier, requested));
            assertThat(refused.field()).isIn("thinking_token_budget", "max_tokens");
            return;
        }
        Split split = ChatCompletionBudgets.split(tier, requested);

        assertThat(split.thinkingTokens()).hasValue(thinking);
        assertThat(split.solutionTokens()).hasValue(solution);
    }

    @Property
    void anEffortIsTheTiersBudgetForItCappedByTheMaximum(
            @ForAll("tiers") Tier tier,
            @ForAll("efforts") String effort,
            @ForAll @LongRange(min = 1, max = 20_000) long extra) {
        long max = tier.solutionBudgetTokens() + extra;
        int configured = tier.reasoningEfforts().thinkingTokens(effort);

        Split alone = ChatCompletionBudgets.split(tier, new Requested(NONE, NONE, NONE, NONE, Optional.of(effort)));
        Split capped = ChatCompletionBudgets.split(
                tier, new Requested(NONE, NONE, OptionalLong.of(max), NONE, Optional.of(effort)));

        assertThat(alone.thinkingTokens()).hasValue(configured);
        assertThat(alone.solutionTokens()).isEmpty();
        assertThat(capped.thinkingTokens()).hasValue(Math.min(configured, extra));
        assertThat(capped.thinkingTokens().getAsLong() + capped.solutionTokens().getAsLong())
                .isLessThanOrEqualTo(max);
    }

    @Provide
    Arbitrary<String> efforts() {
        return Arbitraries.of("low", "medium", "high", "HIGH");
    }

    @Property
    void withoutAMaximumTheBudgetsPassAsSent(
            @ForAll("tiers") Tier tier,
            @ForAll @IntRange(min = 1, max = 10_000) int thinking,
            @ForAll @IntRange(min = 1, max = 10_000) int solution) {
        Split split = ChatCompletionBudgets.split(
                tier,
                new Requested(OptionalLong.of(thinking), OptionalLong.of(solution), NONE, NONE, Optional.empty()));

        assertThat(split.thinkingTokens()).hasValue(thinking);
        assertThat(split.solutionTokens()).hasValue(solution);
    }

    @Property
    void twoFieldsThatSayTheSameThingAreRefusedWhateverTheirValues(
            @ForAll("tiers") Tier tier,
            @ForAll @LongRange(min = 1, max = 10_000) long a,
            @ForAll @LongRange(min = 1, max = 10_000) long b) {
        InvalidArgument twoMaxima = catchThrowableOfType(
                InvalidArgument.class,
                () -> ChatCompletionBudgets.split(
                        tier, new Requested(NONE, NONE, OptionalLong.of(a), OptionalLong.of(b), Optional.empty())));
        InvalidArgument budgetAndEffort = catchThrowableOfType(
                InvalidArgument.class,
                () -> ChatCompletionBudgets.split(
                        tier, new Requested(OptionalLong.of(a), NONE, NONE, NONE, Optional.of("low"))));

        assertThat(twoMaxima.getMessage()).contains("max_completion_tokens").contains("max_tokens");
        assertThat(budgetAndEffort.getMessage())
                .contains("thinking_token_budget")
                .contains("reasoning_effort");
    }

    @Property
    void aBudgetBelowOneIsRefusedNamingItsField(
            @ForAll("tiers") Tier tier, @ForAll @LongRange(min = -5, max = 0) long value) {
        InvalidArgument refused = catchThrowableOfType(
                InvalidArgument.class,
                () -> ChatCompletionBudgets.split(
                        tier, new Requested(NONE, OptionalLong.of(value), NONE, NONE, Optional.empty())));

        assertThat(refused.getMessage()).isEqualTo("solution_token_budget must be at least 1, was " + value);
    }

    @Example
    void anUnknownEffortNamesTheLevels() {
        Tier tier = new Tier("t", "m", 64, 128, 32, 1000, 0, 1, 0, false);

        InvalidArgument refused = catchThrowableOfType(
                InvalidArgument.class,
                () -> ChatCompletionBudgets.split(tier, new Requested(NONE, NONE, NONE, NONE, Optional.of("extreme"))));

        assertThat(refused.getMessage()).isEqualTo("reasoning_effort must be one of low, medium, high, was 'extreme'");
    }
}
