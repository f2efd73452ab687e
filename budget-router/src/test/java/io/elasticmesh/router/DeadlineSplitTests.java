package io.elasticmesh.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.conversation.ThinkingCut;
import io.elasticmesh.router.DeadlineSplit.ModelSpeed;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class DeadlineSplitTests {

    @Provide
    Arbitrary<ModelSpeed> speeds() {
        return Combinators.combine(
                        Arbitraries.doubles().between(0.01, 2_000),
                        Arbitraries.doubles().between(0, 10_000))
                .as(ModelSpeed::new);
    }

    @Property
    void thePhasesNeverTakeMoreThanTheDeadline(
            @ForAll @LongRange(min = 0, max = 3_600_000) long remaining,
            @ForAll @IntRange(min = 1, max = 100_000) int solutionBudget,
            @ForAll("speeds") ModelSpeed speed,
            @ForAll @DoubleRange(min = 1, max = 3) double safety) {
        DeadlineSplit split = DeadlineSplit.of(remaining, solutionBudget, speed, safety);

        assertThat(split.thinkingMillis()).isBetween(0L, remaining);
        assertThat(split.solutionReserveMillis()).isBetween(0L, remaining);
        assertThat(split.thinkingMillis() + split.solutionReserveMillis()).isLessThanOrEqualTo(remaining);
    }

    @Property
    void theSolutionKeepsEnoughTimeForItsWholeBudgetWhenTheDeadlineAllows(
            @ForAll @LongRange(min = 0, max = 3_600_000) long remaining,
            @ForAll @IntRange(min = 1, max = 100_000) int solutionBudget,
            @ForAll("speeds") ModelSpeed speed) {
        DeadlineSplit split = DeadlineSplit.of(remaining, solutionBudget, speed, 1.0);
        double needed = speed.solutionOverheadMillis() + solutionBudget * speed.millisPerToken();

        if (split.thinkingMillis() > 0) {
            assertThat((double) split.solutionReserveMillis()).isGreaterThanOrEqualTo(needed);
        }
    }

    @Property
    void moreTimeNeverShortensThinkingAndALargerAnswerNeverLengthensIt(
            @ForAll @LongRange(min = 0, max = 1_000_000) long remaining,
            @ForAll @IntRange(min = 0, max = 10_000) int more,
            @ForAll @IntRange(min = 1, max = 10_000) int solutionBudget,
            @ForAll("speeds") ModelSpeed speed) {
        long base = DeadlineSplit.of(remaining, solutionBudget, speed, 1.5).thinkingMillis();

        assertThat(DeadlineSplit.of(remaining + more, solutionBudget, speed, 1.5)
                        .thinkingMillis())
                .isGreaterThanOrEqualTo(base);
        assertThat(DeadlineSplit.of(remaining, solutionBudget + more, speed, 1.5)
                        .thinkingMillis())
                .isLessThanOrEqualTo(base);
    }

    @Test
    void aSlowModelLeavesThinkingWhatTheAnswerDoesNotNeed() {
        // 100 ms per token, 200 ms overhead: 32 answer tokens need 3.4 s, 5.1 s with the safety factor.
        DeadlineSplit split = DeadlineSplit.of(8_000, 32, new ModelSpeed(100, 200), 1.5);

        assertThat(split).isEqualTo(new DeadlineSplit(2_900, 5_100));
    }

    @Test
    void measuredSpeedsAreSmoothedPerModel() {
        ModelSpeeds speeds = new ModelSpeeds(new ModelSpeed(50, 500), 0.5);

        // 11 thinking tokens in 1100 ms, the first after 100 ms: 100 ms per token, smoothed into the initial 50: 75.
        // The answer's 10 tokens took 1300 ms: 1300 − 10 × 75 = 550 ms beyond them, smoothed into 500: 525.
        speeds.observe("m", thinking(11, 100), 1100, new SolutionPhase("", 10, 0, false, false, 0), 1300);
        assertThat(speeds.of("m")).isEqualTo(new ModelSpeed(75, 525));
        assertThat(speeds.of("other")).isEqualTo(new ModelSpeed(50, 500));

        // Now 200 ms per token (smoothed: 137.5) and 2300 − 10 × 137.5 = 925 ms overhead (smoothed: 725).
        speeds.observe("m", thinking(11, 100), 2100, new SolutionPhase("", 10, 0, false, false, 0), 2300);
        assertThat(speeds.of("m")).isEqualTo(new ModelSpeed(137.5, 725));
    }

    @Test
    void aColdFirstRequestDoesNotReplaceTheInitialSpeed() {
        ModelSpeeds speeds = new ModelSpeeds(new ModelSpeed(50, 500), 0.2);

        // A first answer that took 60 s (a cold JVM under load) moves the estimate only part of the way.
        speeds.observe("m", thinking(2, 100), 150, new SolutionPhase("", 1, 0, false, false, 0), 60_000);

        assertThat(speeds.of("m").solutionOverheadMillis()).isLessThan(15_000);
    }

    @Test
    void aNewReplicaStartsFromTheMeshsSpeedAndPublishesOnlyWhatItMeasuredItself() {
        ModelSpeeds fresh = new ModelSpeeds(new ModelSpeed(50, 500), 0.5);

        fresh.seed("m", new ModelSpeed(100, 300));
        assertThat(fresh.of("m")).isEqualTo(new ModelSpeed(100, 300));
        assertThat(fresh.measured()).isEmpty();

        // 11 tokens after the first in 1000 ms: 100 ms per token, as seeded; another replica's later speed is not
        // taken over this replica's own.
        fresh.observe("m", thinking(11, 100), 1100, new SolutionPhase("", 10, 0, false, false, 0), 1300);
        fresh.seed("m", new ModelSpeed(10, 10));
        assertThat(fresh.of("m")).isEqualTo(new ModelSpeed(100, 300));
        assertThat(fresh.measured()).containsOnlyKeys("m");
    }

    private static ThinkingPhase thinking(int tokens, long firstTokenMillis) {
        return new ThinkingPhase("p", "t", true, ThinkingCut.NONE, 5, tokens, firstTokenMillis, 0);
    }
}
