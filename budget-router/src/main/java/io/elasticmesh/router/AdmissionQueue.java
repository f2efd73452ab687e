package io.elasticmesh.router;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;

/**
 * Admission control: every tier has its own concurrency limit and a bounded queue, and all tiers share one capacity
 * (what the model servers run at once). A freed slot goes to the waiting request of the highest-priority tier that
 * is under its own limit, oldest first, so a flood of a lower tier, held back by its own limit and behind in the
 * order, never starves a higher one.
 *
 * <p>A request that cannot start at once is refused at once when its tier's queue is full, or when its expected
 * wait would leave too little of its deadline for the work; the refusal says how long to wait before retrying.
 * The expected wait is the requests ahead of it (same or higher priority) times the tier's smoothed service time,
 * divided by the slots it can use. Times are {@link System#nanoTime()} values passed in, so the class is testable
 * without sleeping.
 *
 * <p>With several router replicas, both limits are the mesh's: this router admits up to its {@link CapacityShare}
 * of each, so the replicas together never run more than the model servers were sized for.
 *
 * <p>A shadow (a background re-run of an answered request, see {@code ShadowEvaluation}) takes a slot only when one
 * is free and no request waits, never queues, and gives its slot up the moment a request waiting for a slot could
 * use it: a shadow never delays a request.
 */
public final class AdmissionQueue {

    /** A request's place: granted when {@link #granted()} completes, then held until {@link #release}. */
    public static final class Ticket {
        private final Tier tier;
        private final long seq;
        private final long enqueuedNanos;
        private final CompletableFuture<Ticket> granted = new CompletableFuture<>();
        /** For a shadow: what to do when a request takes its slot; null for a request. */
        private final Runnable preempted;

        private long startedNanos;
        private boolean done;

        private Ticket(Tier tier, long seq, long enqueuedNanos, Runnable preempted) {
            this.tier = tier;
            this.seq = seq;
            this.enqueuedNanos = enqueuedNanos;
            this.preempted = preempted;
        }

        public CompletableFuture<Ticket> granted() {
            return granted;
        }

        /** Nanoseconds spent waiting; valid once granted. */
        public long waitedNanos() {
            return startedNanos - enqueuedNanos;
        }
    }

    private static final Comparator<Ticket> ORDER =
            Comparator.<Ticket>comparingInt(t -> -t.tier.priority()).thenComparingLong(t -> t.seq);

    private final IntSupplier capacity;
    private final CapacityShare share;
    private final double smoothing;
    private final Map<String, Integer> inFlightByTier = new HashMap<>();
    private final Map<String, Double> serviceNanosByTier = new HashMap<>();
    private final List<Ticket> waiting = new ArrayList<>();
    /** Shadows holding slots, oldest first. */
    private final List<Ticket> shadows = new ArrayList<>();

    private volatile Runnable onIdle = () -> {};
    private int inFlight;
    private long nextSeq;

    /**
     * @param capacity the shared capacity in force (read at every decision, so a reload applies at once)
     * @param share this router's part of the capacity and of every tier's limit
     * @param smoothing weight of the newest service time in the per-tier moving average, 0..1
     */
    public AdmissionQueue(IntSupplier capacity, CapacityShare share, double smoothing) {
        this.capacity = capacity;
        this.share = share;
        this.smoothing = smoothing;
    }

    /**
     * Takes a slot at once, or a place in the queue.
     *
     * @param latestStartNanos the last moment the work may start and still meet the deadline
     * @throws AdmissionRefused when the queue is full or the expected wait runs past {@code latestStartNanos}; the
     *     refused request holds no place
     */
    public Ticket enter(Tier tier, long nowNanos, long latestStartNanos) {
        Ticket ticket;
        List<Ticket> started;
        List<Ticket> preempted = new ArrayList<>();
        AdmissionRefused refused = null;
        synchronized (this) {
            ticket = new Ticket(tier, nextSeq++, nowNanos, null);
            waiting.add(ticket);
            // After every decision no waiter can start, so the new ticket starts here only if nobody it must
            // yield to is waiting (a reload may have raised a limit: grant also applies that).
            started = grant(nowNanos, preempted);
            if (!started.contains(ticket)) {
                refused = refusalIfHopeless(ticket, nowNanos, latestStartNanos);
            }
        }
        preempted.forEach(t -> t.preempted.run());
        started.forEach(t -> t.granted.complete(t));
        if (refused != null) {
            throw refused;
        }
        return ticket;
    }

    /**
     * A slot for a shadow of {@code tier}, if one is free now and no request waits; never a place in the queue.
     *
     * @param preempted called (outside the queue's lock) when a request takes the shadow's slot; the slot is then
     *     already given back, and {@link #release} of the ticket does nothing
     */
    public Optional<Ticket> tryEnterShadow(Tier tier, long nowNanos, Runnable preempted) {
        synchronized (this) {
            if (!waiting.isEmpty() || !canStart(tier)) {
                return Optional.empty();
            }
            Ticket shadow = new Ticket(tier, nextSeq++, nowNanos, preempted);
            start(shadow, nowNanos);
            shadows.add(shadow);
            shadow.granted.complete(shadow);
            return Optional.of(shadow);
        }
    }

    /** Called (outside the lock) whenever a slot is given back and no request waits: a shadow may start. */
    public void onIdle(Runnable listener) {
        this.onIdle = listener;
    }

    /**
     * Grants what can start, first taking the slots of shadows that stand in a waiting request's way: any shadow when
     * the shared capacity is full, a shadow of its own tier when its tier is at its limit.
     *
     * @param preempted gets the shadows whose slots were taken
     */
    private List<Ticket> grant(long nowNanos, List<Ticket> preempted) {
        List<Ticket> started = grant(nowNanos);
        for (Ticket shadow = shadowInTheWay(); shadow != null; shadow = shadowInTheWay()) {
            free(shadow);
            preempted.add(shadow);
            started.addAll(grant(nowNanos));
        }
        return started;
    }

    /** The youngest shadow (it has done least work) whose slot a waiting request could use, or null. */
    private Ticket shadowInTheWay() {
        for (Ticket next : waiting) {
            boolean full = inFlight >= meshSlots(next.tier);
            for (int i = shadows.size() - 1; i >= 0; i--) {
                if (full || shadows.get(i).tier.name().equals(next.tier.name())) {
                    return shadows.get(i);
                }
            }
        }
        return null;
    }

    private AdmissionRefused refusalIfHopeless(Ticket ticket, long nowNanos, long latestStartNanos) {
        Tier tier = ticket.tier;
        long queued = waiting.stream()
                .filter(t -> t != ticket && t.tier.name().equals(tier.name()))
                .count();
        AdmissionRefused refused = null;
        long expectedWait = expectedWaitNanos(ticket);
        if (tierSlots(tier) == 0 || meshSlots(tier) == 0) {
            refused = new AdmissionRefused(
                    AdmissionRefused.Reason.NO_SHARE,
                    Math.max(expectedWait, 1),
                    "tier '" + tier.name() + "' has no slots on this router: its max-concurrent-requests ("
                            + tier.maxConcurrentRequests() + ") or the file's (" + capacity.getAsInt()
                            + ") is split among more live routers; another router may admit it");
        } else if (queued >= tier.queueLimit()) {
            refused = new AdmissionRefused(
                    AdmissionRefused.Reason.QUEUE_FULL,
                    Math.max(expectedWait, 1),
                    "tier '" + tier.name() + "' has " + inFlight(tier.name()) + " requests in flight and " + queued
                            + " waiting (its queue-limit)");
        } else if (nowNanos + expectedWait > latestStartNanos) {
            refused = new AdmissionRefused(
                    AdmissionRefused.Reason.DEADLINE_UNREACHABLE,
                    expectedWait,
                    "tier '" + tier.name() + "': the expected queue wait of " + expectedWait / 1_000_000
                            + " ms would leave too little of the deadline to answer in");
        }
        if (refused != null) {
            waiting.remove(ticket);
            ticket.done = true;
        }
        return refused;
    }

    /**
     * Ends a ticket, whatever its state: a granted slot is freed (and its service time measured), a waiting place
     * is given up. Idempotent.
     */
    public void release(Ticket ticket, long nowNanos) {
        List<Ticket> started;
        List<Ticket> preempted = new ArrayList<>();
        boolean idle;
        synchronized (this) {
            if (ticket.done) {
                return;
            }
            if (waiting.remove(ticket)) {
                ticket.done = true;
                started = List.of();
            } else {
                free(ticket);
                // A shadow's time is not a request's: it would lengthen the expected waits requests are refused by.
                if (ticket.preempted == null) {
                    double observed = nowNanos - ticket.startedNanos;
                    serviceNanosByTier.merge(ticket.tier.name(), observed, (old, now) -> old + smoothing * (now - old));
                }
                // Another request's slot freed: a lowered capacity may have left shadows in a waiter's way.
                started = grant(nowNanos, preempted);
            }
            idle = waiting.isEmpty() && inFlight < capacity.getAsInt();
        }
        ticket.granted.cancel(false);
        // Completed outside the lock: what a grant triggers may re-enter the queue.
        preempted.forEach(t -> t.preempted.run());
        started.forEach(t -> t.granted.complete(t));
        if (idle) {
            onIdle.run();
        }
    }

    /** Gives a started ticket's slot back. */
    private void free(Ticket ticket) {
        ticket.done = true;
        inFlight--;
        inFlightByTier.merge(ticket.tier.name(), -1, Integer::sum);
        shadows.remove(ticket);
    }

    public synchronized int waiting(String tier) {
        return (int) waiting.stream().filter(t -> t.tier.name().equals(tier)).count();
    }

    /** Shadows holding slots, of every tier. */
    public synchronized int shadowsInFlight() {
        return shadows.size();
    }

    public synchronized int inFlight(String tier) {
        return inFlightByTier.getOrDefault(tier, 0);
    }

    private List<Ticket> grant(long nowNanos) {
        List<Ticket> started = new ArrayList<>();
        waiting.sort(ORDER);
        for (int i = 0; i < waiting.size(); ) {
            Ticket next = waiting.get(i);
            if (canStart(next.tier)) {
                waiting.remove(i);
                start(next, nowNanos);
                started.add(next);
            } else {
                i++;
            }
        }
        return started;
    }

    private boolean canStart(Tier tier) {
        return inFlight < meshSlots(tier) && inFlightByTier.getOrDefault(tier.name(), 0) < tierSlots(tier);
    }

    /** This router's part of the tier's max-concurrent-requests. */
    private int tierSlots(Tier tier) {
        return share.of(tier.maxConcurrentRequests(), tier.quotaStoreOutage());
    }

    /** This router's part of the file's max-concurrent-requests, for a request of {@code tier}. */
    private int meshSlots(Tier tier) {
        return share.of(capacity.getAsInt(), tier.quotaStoreOutage());
    }

    private void start(Ticket ticket, long nowNanos) {
        inFlight++;
        inFlightByTier.merge(ticket.tier.name(), 1, Integer::sum);
        ticket.startedNanos = nowNanos;
    }

    private long expectedWaitNanos(Ticket ticket) {
        Tier tier = ticket.tier;
        long ahead = waiting.stream()
                .filter(t -> t != ticket && t.tier.priority() >= tier.priority())
                .count();
        int slots = Math.max(1, Math.min(meshSlots(tier), tierSlots(tier)));
        double service = serviceNanosByTier.getOrDefault(tier.name(), 0.0);
        return (long) Math.ceil((ahead + 1) * service / slots);
    }
}
