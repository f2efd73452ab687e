package io.elasticmesh.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class CapacitySplitTests {

    private static final long TTL = 10_000;

    @Provide
    Arbitrary<Set<String>> replicaIds() {
        return Arbitraries.strings()
                .alpha()
                .numeric()
                .ofMinLength(1)
                .ofMaxLength(8)
                .set()
                .ofMinSize(1)
                .ofMaxSize(12);
    }

    /** Each replica's own view, built from the same list in its own order, as each reads the store. */
    private static List<LiveReplicas> replicas(Set<String> ids, AtomicLong clock) {
        List<LiveReplicas> views = new ArrayList<>();
        for (String id : ids) {
            List<String> seenBy = new ArrayList<>(ids);
            Collections.shuffle(seenBy);
            views.add(new LiveReplicas(id, seenBy, TTL, clock::get));
        }
        return views;
    }

    @Property
    void sharesSumToTheCapacityExactlyAndDifferByAtMostOne(
            @ForAll @IntRange(min = 0, max = 10_000) int capacity, @ForAll @IntRange(min = 1, max = 200) int replicas) {
        int sum = 0;
        for (int rank = 0; rank < replicas; rank++) {
            int share = CapacitySplit.share(capacity, rank, replicas);
            assertThat(share).isBetween(capacity / replicas, (capacity + replicas - 1) / replicas);
            sum += share;
        }
        assertThat(sum).isEqualTo(capacity);
    }

    @Property
    void replicasThatReadTheSameLiveListNeverAdmitMoreThanTheCapacity(
            @ForAll("replicaIds") Set<String> ids,
            @ForAll @IntRange(min = 1, max = 500) int capacity,
            @ForAll boolean failsOpen) {
        AtomicLong clock = new AtomicLong();
        QuotaStoreOutage tier = failsOpen ? QuotaStoreOutage.FAIL_OPEN : QuotaStoreOutage.FAIL_CLOSED;

        int sum = replicas(ids, clock).stream()
                .mapToInt(r -> r.of(capacity, tier))
                .sum();

        assertThat(sum).isEqualTo(capacity);
    }

    @Property
    void afterAReplicaJoinsOrLeavesTheSharesConvergeOnceEveryReplicaHasReadTheNewList(
            @ForAll("replicaIds") Set<String> before,
            @ForAll("replicaIds") Set<String> after,
            @ForAll @IntRange(min = 1, max = 500) int capacity) {
        AtomicLong clock = new AtomicLong();
        QuotaStoreOutage tier = QuotaStoreOutage.FAIL_CLOSED;
        List<LiveReplicas> views = replicas(before, clock);

        // The replicas still live read the new list at their next heartbeat; new ones start from it.
        List<LiveReplicas> now = new ArrayList<>();
        List<String> ordered = new ArrayList<>(before);
        for (int i = 0; i < ordered.size(); i++) {
            if (after.contains(ordered.get(i))) {
                views.get(i).seen(List.copyOf(after));
                now.add(views.get(i));
            }
        }
        for (String joined : after) {
            if (!before.contains(joined)) {
                now.add(new LiveReplicas(joined, List.copyOf(after), TTL, clock::get));
            }
        }

        assertThat(now.stream().mapToInt(r -> r.of(capacity, tier)).sum()).isEqualTo(capacity);
    }

    @Property
    void withTheStoreUnreachableATierThatFailsClosedKeepsItsLastShareForever(
            @ForAll("replicaIds") Set<String> ids, @ForAll @IntRange(min = 1, max = 500) int capacity) {
        AtomicLong clock = new AtomicLong();
        List<LiveReplicas> views = replicas(ids, clock);
        QuotaStoreOutage closed = QuotaStoreOutage.FAIL_CLOSED;

        clock.set(100 * TTL);

        assertThat(views.stream().mapToInt(r -> r.of(capacity, closed)).sum()).isEqualTo(capacity);
    }

    @Test
    void withTheStoreUnreachableATierThatFailsOpenKeepsItsShareForTheTtlThenTakesTheWholeCapacity() {
        AtomicLong clock = new AtomicLong();
        LiveReplicas second = new LiveReplicas("b", List.of("a", "b", "c"), TTL, clock::get);
        QuotaStoreOutage open = QuotaStoreOutage.FAIL_OPEN;

        clock.set(TTL);
        assertThat(second.of(8, open)).isEqualTo(3);

        clock.set(TTL + 1);
        assertThat(second.of(8, open)).isEqualTo(8);

        second.seen(List.of("a", "b"));
        assertThat(second.of(8, open)).isEqualTo(4);
    }

    @Test
    void withFewerSlotsThanReplicasTheLastRanksGetNone() {
        AtomicLong clock = new AtomicLong();
        QuotaStoreOutage tier = QuotaStoreOutage.FAIL_CLOSED;

        assertThat(replicas(new TreeSet<>(List.of("a", "b", "c")), clock).stream()
                        .map(r -> r.of(2, tier))
                        .toList())
                .containsExactly(1, 1, 0);
    }
}
