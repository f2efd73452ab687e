package io.elasticmesh.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elasticmesh.edge.InvalidArgument;
import java.util.OptionalInt;
import java.util.OptionalLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class BudgetPolicyTests {

    /** Random tiers as a tier file could configure them. */
    @Provide
    static Arbitrary<Tier> tiers() {
        return Combinators.combine(
                        Arbitraries.integers().between(1, 100_000),
                        Arbitraries.integers().between(0, 100_000),
                        Arbitraries.integers().between(1, 100_000),
                        Arbitraries.of(true, false))
                .as((t, extra, s, rollover) -> new Tier("tier", "model", t, t + extra, s, 60_000, 0, 4, 8, rollover));
    }

    @Provide
    Arbitrary<OptionalInt> requests() {
        return Arbitraries.integers()
                .between(-10, 250_000)
                .map(OptionalInt::of)
                .injectNull(0.3)
                .map(o -> o == null ? OptionalInt.empty() : o);
    }

    @Property
    void appliedBudgetsNeverExceedTheTiersCeilingsAndAreAtLeastOne(
            @ForAll("tiers") Tier tier,
            @ForAll("requests") OptionalInt thinking,
            @ForAll("requests") OptionalInt solution,
            @ForAll boolean clamp) {
        try {
            Budget budget = BudgetPolicy.assign(tier, thinking, solution, clamp);
            assertThat(budget.thinkingTokens()).isBetween(1, tier.thinkingBudgetCeilingTokens());
            assertThat(budget.solutionTokens()).isBetween(1, tier.solutionBudgetTokens());
            assertThat(budget.thinkingClamped()).isEqualTo(thinking.orElse(0) > tier.thinkingBudgetCeilingTokens());
            assertThat(budget.solutionClamped()).isEqualTo(solution.orElse(0) > tier.solutionBudgetTokens());
        } catch (BudgetAboveCeiling refused) {
            assertThat(clamp).isFalse();
            assertThat(refused).hasMessageContaining("must be at most").hasMessageContaining("clamp_budgets");
        } catch (InvalidArgument refused) {
            assertThat(refused).hasMessageContaining("must be at least 1");
        }
    }

    /** A uint32 thinking budget (ContinueReasoning's extra_thinking_tokens) is refused naming it, as sent. */
    @Property
    void aThinkingBudgetFromAnotherFieldIsRefusedNamingThatFieldAndItsValue(
            @ForAll("tiers") Tier tier, @ForAll @LongRange(min = 0, max = 4_294_967_295L) long sent) {
        try {
            Budget budget = BudgetPolicy.assign(
                    tier, "extra_thinking_tokens", OptionalLong.of(sent), OptionalInt.empty(), false);
            assertThat((long) budget.thinkingTokens()).isEqualTo(sent);
        } catch (BudgetAboveCeiling | InvalidArgument refused) {
            assertThat(refused)
                    .hasMessageStartingWith("extra_thinking_tokens must be at ")
                    .hasMessageContaining("was " + sent)
                    .hasMessageNotContaining("thinking_budget_tokens")
                    .hasMessageNotContaining("clamp_budgets");
        }
    }

    @Property
    void rolloverNeverGivesMoreThanThinkingLeftUnused(
            @ForAll("tiers") Tier tier, @ForAll @IntRange(min = 0, max = 200_000) int used, @ForAll boolean cut) {
        Budget budget = BudgetPolicy.assign(tier, OptionalInt.empty(), OptionalInt.empty(), false);
        int thinkingUsed = Math.min(used, budget.thinkingTokens());
        Budget applied = budget.withRollover(BudgetPolicy.rollover(tier, budget, thinkingUsed, cut));

        assertThat(applied.solutionRolloverTokens()).isBetween(0, budget.thinkingTokens() - thinkingUsed);
        assertThat(thinkingUsed + applied.solutionTokens())
                .isLessThanOrEqualTo(tier.thinkingBudgetCeilingTokens() + tier.solutionBudgetTokens());
        if (!tier.rolloverUnusedThinking() || cut) {
            assertThat(applied).isEqualTo(budget);
        } else {
            assertThat(applied.solutionTokens())
                    .isEqualTo(budget.solutionTokens() + budget.thinkingTokens() - thinkingUsed);
        }
    }

    @Property
    void aRequestWithinTheTierIsAppliedExactly(
            @ForAll("tiers") Tier tier, @ForAll @IntRange(min = 1) int a, @ForAll @IntRange(min = 1) int b) {
        int thinking = 1 + (a - 1) % tier.thinkingBudgetCeilingTokens();
        int solution = 1 + (b - 1) % tier.solutionBudgetTokens();

        assertThat(BudgetPolicy.assign(tier, OptionalInt.of(thinking), OptionalInt.of(solution), false))
                .isEqualTo(new Budget(thinking, solution));
    }

    @Property
    void noRequestedBudgetMeansTheTiersDefaults(@ForAll("tiers") Tier tier) {
        assertThat(BudgetPolicy.assign(tier, OptionalInt.empty(), OptionalInt.empty(), false))
                .isEqualTo(new Budget(tier.thinkingBudgetTokens(), tier.solutionBudgetTokens()));
    }

    @Property
    void aBudgetAboveTheCeilingIsRefusedNamingTheCeiling(
            @ForAll("tiers") Tier tier, @ForAll @IntRange(min = 1, max = 1000) int over) {
        assertThatThrownBy(() -> BudgetPolicy.assign(
                        tier, OptionalInt.of(tier.thinkingBudgetCeilingTokens() + over), OptionalInt.empty(), false))
                .isInstanceOf(BudgetAboveCeiling.class)
                .hasMessage("thinking_budget_tokens must be at most " + tier.thinkingBudgetCeilingTokens()
                        + " (the ceiling of tier 'tier'), was " + (tier.thinkingBudgetCeilingTokens() + over)
                        + "; lower it, or set clamp_budgets to apply the ceiling");
    }

    @Property
    void aBudgetAboveTheCeilingIsClampedWhenAsked(
            @ForAll("tiers") Tier tier, @ForAll @IntRange(min = 1, max = 1000) int over) {
        Budget budget = BudgetPolicy.assign(
                tier, OptionalInt.empty(), OptionalInt.of(tier.solutionBudgetTokens() + over), true);

        assertThat(budget.solutionTokens()).isEqualTo(tier.solutionBudgetTokens());
        assertThat(budget.solutionClamped()).isTrue();
        assertThat(budget.thinkingClamped()).isFalse();
    }

    @Property
    void zeroOrNegativeIsRefusedNamingTheField(
            @ForAll("tiers") Tier tier, @ForAll @IntRange(min = -1000, max = 0) int bad, @ForAll boolean clamp) {
        assertThatThrownBy(() -> BudgetPolicy.assign(tier, OptionalInt.empty(), OptionalInt.of(bad), clamp))
                .isExactlyInstanceOf(InvalidArgument.class)
                .hasMessage("solution_budget_tokens must be at least 1, was " + bad);
    }
}
