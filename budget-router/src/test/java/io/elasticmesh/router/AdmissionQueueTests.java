package io.elasticmesh.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elasticmesh.router.AdmissionQueue.Ticket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class AdmissionQueueTests {

    private static final long SECOND = 1_000_000_000L;
    private static final long NEVER = Long.MAX_VALUE;

    private static Tier tier(String name, int priority, int maxConcurrent, int queueLimit) {
        return new Tier(name, "m", 8, 8, 8, 60_000, priority, maxConcurrent, queueLimit, false);
    }

    private static boolean granted(Ticket ticket) {
        return ticket.granted().isDone() && !ticket.granted().isCancelled();
    }

    @Test
    void startsAtOnceWhileUnderTheTierAndSharedLimits() {
        AdmissionQueue queue = new AdmissionQueue(() -> 2, CapacityShare.WHOLE, 0.5);
        Tier gold = tier("gold", 1, 2, 4);

        assertThat(granted(queue.enter(gold, 0, NEVER))).isTrue();
        assertThat(granted(queue.enter(gold, 0, NEVER))).isTrue();
        Ticket third = queue.enter(gold, 0, NEVER);

        assertThat(granted(third)).isFalse();
        assertThat(queue.inFlight("gold")).isEqualTo(2);
        assertThat(queue.waiting("gold")).isEqualTo(1);
    }

    @Test
    void aTierAtItsOwnLimitWaitsWhileAnotherTierStillStarts() {
        AdmissionQueue queue = new AdmissionQueue(() -> 4, CapacityShare.WHOLE, 0.5);
        Tier economy = tier("economy", 0, 1, 4);
        Tier gold = tier("gold", 1, 4, 4);
        queue.enter(economy, 0, NEVER);

        Ticket economyWaits = queue.enter(economy, 0, NEVER);
        Ticket goldStarts = queue.enter(gold, 0, NEVER);

        assertThat(granted(economyWaits)).isFalse();
        assertThat(granted(goldStarts)).isTrue();
    }

    @Test
    void aFreedSlotGoesToTheHigherTierBeforeAFloodOfTheLowerOne() {
        AdmissionQueue queue = new AdmissionQueue(() -> 2, CapacityShare.WHOLE, 0.5);
        Tier economy = tier("economy", 0, 2, 100);
        Tier gold = tier("gold", 10, 2, 100);
        List<Ticket> flood = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            flood.add(queue.enter(economy, i, NEVER));
        }
        Ticket first = queue.enter(gold, 60, NEVER);
        Ticket second = queue.enter(gold, 61, NEVER);

        queue.release(flood.get(0), 100);
        assertThat(granted(first)).as("gold gets the first freed slot").isTrue();
        queue.release(flood.get(1), 101);
        assertThat(granted(second)).isTrue();
        assertThat(flood.subList(2, 50)).noneMatch(AdmissionQueueTests::granted);

        queue.release(first, 200);
        assertThat(granted(flood.get(2)))
                .as("economy continues once gold is served")
                .isTrue();
    }

    @Test
    void aFullQueueIsRefusedAtOnceWithARetryHint() {
        AdmissionQueue queue = new AdmissionQueue(() -> 1, CapacityShare.WHOLE, 0.5);
        Tier gold = tier("gold", 0, 1, 1);
        queue.enter(gold, 0, NEVER);
        queue.enter(gold, 0, NEVER);

        assertThatThrownBy(() -> queue.enter(gold, 0, NEVER))
                .isInstanceOfSatisfying(AdmissionRefused.class, r -> {
                    assertThat(r.reason()).isEqualTo(AdmissionRefused.Reason.QUEUE_FULL);
                    assertThat(r.retryAfterNanos()).isPositive();
                })
                .hasMessage("tier 'gold' has 1 requests in flight and 1 waiting (its queue-limit)");
        assertThat(queue.waiting("gold"))
                .as("the refused request holds no place")
                .isEqualTo(1);
    }

    @Test
    void aWaitThatWouldBreakTheDeadlineIsRefusedAtOnce() {
        AdmissionQueue queue = new AdmissionQueue(() -> 1, CapacityShare.WHOLE, 1.0);
        Tier gold = tier("gold", 0, 1, 10);
        queue.release(queue.enter(gold, 0, NEVER), 2 * SECOND); // measured service time: 2 s
        queue.enter(gold, 3 * SECOND, NEVER);

        assertThat(granted(queue.enter(gold, 3 * SECOND, 3 * SECOND + 5 * SECOND)))
                .as("2 s expected wait fits 5 s")
                .isFalse();
        assertThatThrownBy(() -> queue.enter(gold, 3 * SECOND, 3 * SECOND + 3 * SECOND))
                .isInstanceOfSatisfying(AdmissionRefused.class, r -> {
                    assertThat(r.reason()).isEqualTo(AdmissionRefused.Reason.DEADLINE_UNREACHABLE);
                    assertThat(r.retryAfterNanos())
                            .as("two requests ahead of it, 2 s each")
                            .isEqualTo(4 * SECOND);
                })
                .hasMessageContaining("expected queue wait of 4000 ms");
    }

    @Test
    void releasingAWaitingTicketGivesUpItsPlace() {
        AdmissionQueue queue = new AdmissionQueue(() -> 1, CapacityShare.WHOLE, 0.5);
        Tier gold = tier("gold", 0, 1, 4);
        Ticket running = queue.enter(gold, 0, NEVER);
        Ticket waiting = queue.enter(gold, 0, NEVER);

        queue.release(waiting, 1);
        queue.release(waiting, 2);
        queue.release(running, 3);

        assertThat(waiting.granted()).isCancelled();
        assertThat(queue.inFlight("gold")).isZero();
        assertThat(queue.waiting("gold")).isZero();
    }

    @Test
    void aRaisedSharedCapacityAppliesAtTheNextDecision() {
        AtomicInteger capacity = new AtomicInteger(1);
        AdmissionQueue queue = new AdmissionQueue(capacity::get, CapacityShare.WHOLE, 0.5);
        Tier gold = tier("gold", 0, 4, 4);
        queue.enter(gold, 0, NEVER);
        Ticket waiting = queue.enter(gold, 0, NEVER);

        capacity.set(3);
        Ticket next = queue.enter(gold, 1, NEVER);

        assertThat(granted(waiting)).isTrue();
        assertThat(granted(next)).isTrue();
    }

    /** One step of a random workload: a request of tier {@code tier}, or the end of the {@code release}-th one. */
    record Step(int tier, boolean enter, int release) {}

    @Provide
    Arbitrary<List<Step>> workloads() {
        return Combinators.combine(
                        Arbitraries.integers().between(0, 2),
                        Arbitraries.of(true, true, false),
                        Arbitraries.integers().between(0, 1000))
                .as(Step::new)
                .list()
                .ofMinSize(1)
                .ofMaxSize(300);
    }

    @Provide
    Arbitrary<List<Tier>> tierSets() {
        return Combinators.combine(
                        Arbitraries.integers().between(0, 5),
                        Arbitraries.integers().between(1, 5),
                        Arbitraries.integers().between(0, 6))
                .as((priority, limit, queueLimit) -> new int[] {priority, limit, queueLimit})
                .list()
                .ofSize(3)
                .map(specs -> List.of(
                        tier("a", specs.get(0)[0], specs.get(0)[1], specs.get(0)[2]),
                        tier("b", specs.get(1)[0], specs.get(1)[1], specs.get(1)[2]),
                        tier("c", specs.get(2)[0], specs.get(2)[1], specs.get(2)[2])));
    }

    @Property
    void limitsHoldAndNoWaiterCouldStartAfterAnyDecision(
            @ForAll("tierSets") List<Tier> tiers,
            @ForAll @IntRange(min = 1, max = 8) int capacity,
            @ForAll("workloads") @Size(min = 1) List<Step> steps) {
        AdmissionQueue queue = new AdmissionQueue(() -> capacity, CapacityShare.WHOLE, 0.5);
        List<Ticket> open = new ArrayList<>();
        long now = 0;
        for (Step step : steps) {
            now += 1000;
            if (step.enter()) {
                try {
                    open.add(queue.enter(tiers.get(step.tier()), now, NEVER));
                } catch (AdmissionRefused refused) {
                    assertThat(refused.reason()).isEqualTo(AdmissionRefused.Reason.QUEUE_FULL);
                    assertThat(queue.waiting(tiers.get(step.tier()).name()))
                            .isEqualTo(tiers.get(step.tier()).queueLimit());
                }
            } else if (!open.isEmpty()) {
                queue.release(open.remove(step.release() % open.size()), now);
            }
            int inFlight = 0;
            for (Tier tier : tiers) {
                assertThat(queue.inFlight(tier.name())).isBetween(0, tier.maxConcurrentRequests());
                assertThat(queue.waiting(tier.name())).isBetween(0, tier.queueLimit());
                inFlight += queue.inFlight(tier.name());
            }
            assertThat(inFlight).isLessThanOrEqualTo(capacity);
            for (Tier tier : tiers) {
                boolean couldStart = inFlight < capacity && queue.inFlight(tier.name()) < tier.maxConcurrentRequests();
                assertThat(queue.waiting(tier.name()) > 0 && couldStart)
                        .as("work-conserving: %s", tier.name())
                        .isFalse();
            }
        }
    }

    // --- shadows: idle capacity only ---

    @Test
    void aShadowTakesOnlyAFreeSlotWhileNobodyWaitsAndNeverQueues() {
        AdmissionQueue queue = new AdmissionQueue(() -> 2, CapacityShare.WHOLE, 0.5);
        Tier gold = tier("gold", 0, 1, 4);
        Tier economy = tier("economy", 0, 2, 4);
        queue.enter(gold, 0, NEVER);

        assertThat(queue.tryEnterShadow(gold, 0, () -> {}))
                .as("its tier is at its limit")
                .isEmpty();
        assertThat(queue.tryEnterShadow(economy, 0, () -> {})).isPresent();
        assertThat(queue.tryEnterShadow(economy, 0, () -> {}))
                .as("the shared capacity is full")
                .isEmpty();
        assertThat(queue.shadowsInFlight()).isEqualTo(1);
        assertThat(queue.waiting("economy")).isZero();
    }

    @Test
    void aRequestTakesTheSlotOfAShadowInItsWayAndOnlySuchAShadow() {
        AdmissionQueue queue = new AdmissionQueue(() -> 3, CapacityShare.WHOLE, 0.5);
        Tier gold = tier("gold", 0, 1, 4);
        Tier economy = tier("economy", 0, 2, 4);
        List<String> preempted = new ArrayList<>();
        Ticket goldShadow =
                queue.tryEnterShadow(gold, 0, () -> preempted.add("gold")).orElseThrow();
        queue.tryEnterShadow(economy, 0, () -> preempted.add("economy")).orElseThrow();

        Ticket request = queue.enter(gold, 1, NEVER);

        assertThat(granted(request)).isTrue();
        assertThat(preempted)
                .as("gold was at its own limit; the shared capacity was not full")
                .containsExactly("gold");
        assertThat(queue.inFlight("gold")).isEqualTo(1);
        queue.release(goldShadow, 2);
        assertThat(queue.inFlight("gold"))
                .as("a preempted shadow's release gives nothing back twice")
                .isEqualTo(1);
    }

    @Test
    void aFreedSlotWithNobodyWaitingIsAnnouncedForShadows() {
        AdmissionQueue queue = new AdmissionQueue(() -> 1, CapacityShare.WHOLE, 0.5);
        Tier gold = tier("gold", 0, 1, 4);
        AtomicInteger idle = new AtomicInteger();
        queue.onIdle(idle::incrementAndGet);
        Ticket first = queue.enter(gold, 0, NEVER);
        Ticket second = queue.enter(gold, 0, NEVER);

        queue.release(first, 1);
        assertThat(idle).as("the slot went to the waiting request").hasValue(0);
        queue.release(second, 2);
        assertThat(idle).hasValue(1);
    }

    /** One step: a request or a shadow of {@code tier} enters, or the {@code pick}-th request or shadow ends. */
    record Event(int kind, int tier, int pick) {
        static final int REQUEST = 0;
        static final int SHADOW = 1;
        static final int REQUEST_ENDS = 2;
        static final int SHADOW_ENDS = 3;
    }

    @Provide
    Arbitrary<List<Event>> mixedWorkloads() {
        return Combinators.combine(
                        Arbitraries.integers().between(0, 3),
                        Arbitraries.integers().between(0, 2),
                        Arbitraries.integers().between(0, 1000))
                .as(Event::new)
                .list()
                .ofMinSize(1)
                .ofMaxSize(300);
    }

    /**
     * The requests of a workload fare exactly as they would without its shadows: each is granted, waits or is
     * refused at the same step, so no shadow ever delays a request.
     */
    @Property
    void shadowsNeverChangeWhatARequestGets(
            @ForAll("tierSets") List<Tier> tiers,
            @ForAll @IntRange(min = 1, max = 8) int capacity,
            @ForAll("mixedWorkloads") List<Event> events) {
        AdmissionQueue withShadows = new AdmissionQueue(() -> capacity, CapacityShare.WHOLE, 0.5);
        AdmissionQueue without = new AdmissionQueue(() -> capacity, CapacityShare.WHOLE, 0.5);
        List<Ticket> requestsWith = new ArrayList<>();
        List<Ticket> requestsWithout = new ArrayList<>();
        List<Ticket> shadows = new ArrayList<>();
        long now = 0;
        for (Event event : events) {
            now += 1000;
            Tier tier = tiers.get(event.tier());
            switch (event.kind()) {
                case Event.REQUEST -> {
                    Ticket with = enterOrNull(withShadows, tier, now);
                    Ticket plain = enterOrNull(without, tier, now);
                    assertThat(with == null).as("refused alike").isEqualTo(plain == null);
                    if (with != null) {
                        requestsWith.add(with);
                        requestsWithout.add(plain);
                    }
                }
                case Event.SHADOW ->
                    withShadows.tryEnterShadow(tier, now, () -> {}).ifPresent(shadows::add);
                case Event.REQUEST_ENDS -> {
                    if (!requestsWith.isEmpty()) {
                        int i = event.pick() % requestsWith.size();
                        withShadows.release(requestsWith.remove(i), now);
                        without.release(requestsWithout.remove(i), now);
                    }
                }
                default -> {
                    if (!shadows.isEmpty()) {
                        withShadows.release(shadows.remove(event.pick() % shadows.size()), now);
                    }
                }
            }
            for (int i = 0; i < requestsWith.size(); i++) {
                assertThat(granted(requestsWith.get(i))).isEqualTo(granted(requestsWithout.get(i)));
            }
            for (Tier t : tiers) {
                assertThat(withShadows.waiting(t.name())).isEqualTo(without.waiting(t.name()));
                assertThat(withShadows.inFlight(t.name())).isBetween(0, t.maxConcurrentRequests());
            }
        }
    }

    private static Ticket enterOrNull(AdmissionQueue queue, Tier tier, long now) {
        try {
            return queue.enter(tier, now, NEVER);
        } catch (AdmissionRefused refused) {
            return null;
        }
    }
}
