package io.elasticmesh.pilot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class StatsTests {

    @Test
    void wilsonMatchesHandComputedIntervals() {
        // 8 of 10: centre 0.8 + z²/20, spread z·sqrt(0.016 + z²/400), both over 1 + z²/10 (z = 1.959964).
        Stats.Interval eight = Stats.wilson(8, 10);
        assertThat(eight.low()).isCloseTo(0.49016, within(1e-5));
        assertThat(eight.high()).isCloseTo(0.94332, within(1e-5));
        // 0 of 30 (an AIME run that gets nothing): [0, z²/(30 + z²)].
        Stats.Interval none = Stats.wilson(0, 30);
        assertThat(none.low()).isZero();
        assertThat(none.high()).isCloseTo(3.841459 / 33.841459, within(1e-6));
        assertThat(Stats.wilson(0, 0)).isEqualTo(new Stats.Interval(0, 1));
    }

    @Property
    void wilsonHoldsTheObservedShareInsideZeroToOne(
            @ForAll @IntRange(min = 1, max = 10_000) int n, @ForAll @IntRange(min = 0, max = 10_000) int k) {
        int successes = Math.min(k, n);
        Stats.Interval interval = Stats.wilson(successes, n);
        double p = (double) successes / n;
        assertThat(interval.low()).isBetween(0.0, p + 1e-12);
        assertThat(interval.high()).isBetween(p - 1e-12, 1.0);
    }

    @Test
    void percentilesAreNearestRank() {
        long[] latencies = {40, 10, 30, 20};
        assertThat(Stats.percentile(latencies, 0.50)).isEqualTo(20);
        assertThat(Stats.percentile(latencies, 0.95)).isEqualTo(40);
        assertThat(Stats.percentile(new long[] {7}, 0.5)).isEqualTo(7);
        assertThat(Stats.percentile(new long[0], 0.5)).isZero();
        assertThat(Stats.mean(new long[] {1, 2, 6})).isEqualTo(3.0);
    }

    @Test
    void intervalsOverlapWhenTheyShareAPoint() {
        assertThat(new Stats.Interval(0.1, 0.4).overlaps(new Stats.Interval(0.4, 0.9)))
                .isTrue();
        assertThat(new Stats.Interval(0.1, 0.39).overlaps(new Stats.Interval(0.4, 0.9)))
                .isFalse();
    }
}
