package io.elasticmesh.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Scale;
import org.junit.jupiter.api.Test;

class SharedBucketTests {

    private static final double MICROS_PER_MINUTE = 60e6;

    /** One replica's turn: time passes, it spends part of what it holds, then it crashes or leases again. */
    record Turn(int replica, long advanceMicros, double spendShare, boolean crash) {}

    @Provide
    Arbitrary<List<Turn>> turns() {
        return Combinators.combine(
                        Arbitraries.integers().between(0, 4),
                        Arbitraries.longs().between(0, 5_000_000),
                        Arbitraries.doubles().between(0, 1),
                        Arbitraries.of(false, false, false, false, true))
                .as(Turn::new)
                .list()
                .ofMaxSize(200);
    }

    @Property
    void replicasTogetherNeverSpendMoreThanTheBucketItsRefillAndOneSlicePerCrashedLease(
            @ForAll @IntRange(min = 1, max = 5) int replicas,
            @ForAll @LongRange(min = 1, max = 100_000) long tokensPerMinute,
            @ForAll @DoubleRange(min = 0.001, max = 1) @Scale(4) double fraction,
            @ForAll("turns") List<Turn> turns) {
        long slice = SharedBucket.slice(tokensPerMinute, fraction);
        long start = 1_000_000;
        long now = start;
        SharedBucket bucket = SharedBucket.full(tokensPerMinute, now);
        long[] leased = new long[replicas]; // the store's lease rows
        long[] used = new long[replicas]; // charged on the replica, not yet reported
        long expired = 0; // tokens of crashed replicas' leases, returned at the next lease
        long spent = 0;
        int crashes = 0;
        for (Turn turn : turns) {
            int r = turn.replica() % replicas;
            now += turn.advanceMicros();
            long spend = (long) Math.floor(turn.spendShare() * (leased[r] - used[r]));
            used[r] += spend;
            spent += spend;
            if (turn.crash()) {
                expired += leased[r];
                leased[r] = 0;
                used[r] = 0;
                crashes++;
                continue;
            }
            SharedBucket.Lease lease = bucket.lease(tokensPerMinute, now, leased[r] + expired, used[r], slice);
            assertThat(lease.granted()).isBetween(0L, slice);
            bucket = lease.bucket();
            leased[r] = lease.granted();
            used[r] = 0;
            expired = 0;

            double refill = (now - start) * tokensPerMinute / MICROS_PER_MINUTE;
            assertThat((double) spent).isLessThanOrEqualTo(tokensPerMinute + refill + (double) crashes * slice + 1e-6);
        }
    }

    @Property
    void aSliceIsAtLeastOneTokenAndAtMostTheQuota(
            @ForAll @LongRange(min = 1, max = 10_000_000) long tokensPerMinute,
            @ForAll @DoubleRange(min = 0.0001, max = 1) @Scale(5) double fraction) {
        assertThat(SharedBucket.slice(tokensPerMinute, fraction)).isBetween(1L, tokensPerMinute);
    }

    @Test
    void aLeaseSettlesTheReplicasDebtBeforeGranting() {
        SharedBucket bucket = SharedBucket.full(100, 0);

        SharedBucket.Lease first = bucket.lease(100, 0, 0, 0, 10);
        // The replica used 30 of its 10 tokens: 20 of debt, paid from the bucket's 90 before the next slice.
        SharedBucket.Lease second = first.bucket().lease(100, 0, 10, 30, 10);

        assertThat(first.granted()).isEqualTo(10);
        assertThat(second.granted()).isEqualTo(10);
        assertThat(second.bucket().tokens()).isEqualTo(60);
    }

    @Test
    void anEmptyBucketGrantsNothingUntilItRefillsAWholeToken() {
        SharedBucket empty = new SharedBucket(-0.5, 0);

        assertThat(empty.lease(60, 1_000_000, 0, 0, 10).granted())
                .as("0.5 tokens after 1 s")
                .isZero();
        assertThat(empty.lease(60, 2_000_000, 0, 0, 10).granted())
                .as("1.5 tokens after 2 s")
                .isEqualTo(1);
    }
}
