package io.elasticmesh.router.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalInt;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class BudgetPolicyTests {

    @Provide
    Arbitrary<Tier> tiers() {
        return Combinators.combine(Arbitraries.integers().between(1, 100_000), Arbitraries.integers().between(1, 100_000),
                Arbitraries.longs().between(1, 600_000))
                .as((t, s, deadline) -> new Tier("tier", "model", t, s, deadline));
    }

    @Provide
    Arbitrary<OptionalInt> requests() {
        return Arbitraries.integers().between(-10, 200_000).map(OptionalInt::of)
                .injectNull(0.3).map(o -> o == null ? OptionalInt.empty() : o);
    }

    @Property
    void appliedBudgetsNeverExceedTheTierAndAreAtLeastOne(@ForAll("tiers") Tier tier,
            @ForAll("requests") OptionalInt thinking, @ForAll("requests") OptionalInt solution) {
        try {
            Budget budget = BudgetPolicy.assign(tier, thinking, solution);
            assertThat(budget.thinkingTokens()).isBetween(1, tier.thinkingBudgetTokens());
            assertThat(budget.solutionTokens()).isBetween(1, tier.solutionBudgetTokens());
        } catch (IllegalArgumentException refused) {
            assertThat(refused).hasMessageContaining("between 1 and");
        }
    }

    @Property
    void aRequestWithinTheTierIsAppliedExactly(@ForAll("tiers") Tier tier, @ForAll @IntRange(min = 1) int a,
            @ForAll @IntRange(min = 1) int b) {
        int thinking = 1 + (a - 1) % tier.thinkingBudgetTokens();
        int solution = 1 + (b - 1) % tier.solutionBudgetTokens();

        assertThat(BudgetPolicy.assign(tier, OptionalInt.of(thinking), OptionalInt.of(solution)))
                .isEqualTo(new Budget(thinking, solution));
    }

    @Property
    void noRequestedBudgetMeansTheTiersBudgets(@ForAll("tiers") Tier tier) {
        assertThat(BudgetPolicy.assign(tier, OptionalInt.empty(), OptionalInt.empty()))
                .isEqualTo(new Budget(tier.thinkingBudgetTokens(), tier.solutionBudgetTokens()));
    }

    @Property
    void aBudgetAboveTheTierIsRefusedNotClamped(@ForAll("tiers") Tier tier, @ForAll @IntRange(min = 1, max = 1000) int over) {
        assertThatThrownBy(() -> BudgetPolicy.assign(tier, OptionalInt.of(tier.thinkingBudgetTokens() + over),
                OptionalInt.empty()))
                .hasMessageContaining("thinking_budget_tokens")
                .hasMessageContaining("between 1 and " + tier.thinkingBudgetTokens());
    }

    @Property
    void zeroOrNegativeIsRefusedNamingTheField(@ForAll("tiers") Tier tier, @ForAll @IntRange(min = -1000, max = 0) int bad) {
        assertThatThrownBy(() -> BudgetPolicy.assign(tier, OptionalInt.empty(), OptionalInt.of(bad)))
                .hasMessageContaining("solution_budget_tokens").hasMessageContaining("was " + bad);
    }
}
