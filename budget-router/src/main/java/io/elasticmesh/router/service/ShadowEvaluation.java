package io.elasticmesh.router.service;

import io.elasticmesh.conversation.Answers;
import io.elasticmesh.conversation.PhaseEvent;
import io.elasticmesh.router.AdmissionQueue;
import io.elasticmesh.router.AdmissionQueue.Ticket;
import io.elasticmesh.router.Admitted;
import io.elasticmesh.router.Budget;
import io.elasticmesh.router.ReasonResult;
import io.elasticmesh.router.ShadowPair;
import io.elasticmesh.router.SolutionPhase;
import io.elasticmesh.router.ThinkingPhase;
import io.elasticmesh.router.Tier;
import io.elasticmesh.router.client.DecoderClient;
import io.elasticmesh.router.client.SolutionClient;
import io.elasticmesh.router.config.RouterConfig;
import io.elasticmesh.router.metrics.RouterMetrics;
import io.grpc.Context;
import io.grpc.Deadline;
import io.opentelemetry.context.Scope;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Shadow evaluation: a sample of a tier's answered, cut requests ({@link io.elasticmesh.router.ShadowRule}) is asked
 * again in the background with the tier's larger shadow thinking budget, and the mesh records whether the two final
 * answers agree and what the larger budget cost in tokens and time ({@link ShadowPair}: a log line and the tier's
 * shadow metrics).
 * <p>
 * A shadow runs on idle capacity only, at the lowest priority: it waits in a small queue of its own (never in the
 * admission queue), takes a slot only when one is free and no request waits
 * ({@link AdmissionQueue#tryEnterShadow}), and gives it up, cancelled, the moment a request could use it. It is not
 * charged to the tenant's quota, not audited (the audit trail records what tenants were answered; a shadow answered
 * nobody), not held for continuation and does not teach the model's speed. Each drop is counted by reason.
 */
@ApplicationScoped
public class ShadowEvaluation {

    private static final Logger LOG = Logger.getLogger(ShadowEvaluation.class);

    /** An answered request waiting for idle capacity to be shadowed; dropped once {@code expiresNanos} passes. */
    private record Waiting(ReasonResult answered, long expiresNanos) {}

    private final AdmissionQueue queue;
    private final DecoderClient decoder;
    private final SolutionClient solution;
    private final RouterMetrics metrics;
    private final int capacity;
    private final long maxWaitNanos;
    private final Deque<Waiting> waiting = new ArrayDeque<>();

    public ShadowEvaluation(
            Admission admission,
            DecoderClient decoder,
            SolutionClient solution,
            RouterMetrics metrics,
            RouterConfig config) {
        this.queue = admission.queue();
        this.decoder = decoder;
        this.solution = solution;
        this.metrics = metrics;
        this.capacity = config.shadow().queueCapacity();
        this.maxWaitNanos = config.shadow().maxWait().toNanos();
        queue.onIdle(this::drain);
    }

    /** An answered request: shadowed when its tier's rule selects it (never a continuation, asked for more). */
    public void offer(ReasonResult answered) {
        Tier tier = answered.tier();
        if (answered.continuedRequestId().isPresent()
                || !tier.shadow()
                        .selects(answered.requestId(), answered.thinking().truncated())) {
            return;
        }
        synchronized (waiting) {
            waiting.addLast(new Waiting(answered, System.nanoTime() + maxWaitNanos));
        }
        drain();
        List<Waiting> dropped = new ArrayList<>();
        synchronized (waiting) {
            while (waiting.size() > capacity) {
                dropped.add(waiting.pollFirst());
            }
        }
        dropped.forEach(d -> metrics.shadowDropped(d.answered().tier().name(), "queue_full"));
    }

    /**
     * Starts waiting shadows, oldest first, while slots are idle. Strictly in order: while the oldest one's tier has
     * no idle slot, those behind it wait too (a shadow queue is small and short-lived; order keeps it simple).
     */
    private void drain() {
        while (true) {
            Waiting next;
            Optional<Ticket> slot = Optional.empty();
            CompletableFuture<Void> preempted = new CompletableFuture<>();
            synchronized (waiting) {
                next = waiting.peekFirst();
                if (next == null) {
                    return;
                }
                if (next.expiresNanos() - System.nanoTime() >= 0) {
                    slot = queue.tryEnterShadow(
                            next.answered().tier(), System.nanoTime(), () -> preempted.complete(null));
                    if (slot.isEmpty()) {
                        return;
                    }
                }
                waiting.pollFirst();
            }
            if (slot.isEmpty()) {
                metrics.shadowDropped(next.answered().tier().name(), "expired");
            } else {
                Waiting started = next;
                Ticket granted = slot.get();
                apart(() -> run(started.answered(), granted, preempted));
            }
        }
    }

    /**
     * Asks the request again with the shadow budget, in a gRPC context of its own under the root one: it belongs to no
     * caller, so no caller's end cancels it, and outside the request's trace. A request taking the slot completes {@code preempted}, which cancels
     * that context and so the calls made in it.
     */
    private void run(ReasonResult answered, Ticket slot, CompletableFuture<Void> preempted) {
        String tier = answered.tier().name();
        Context.CancellableContext calls = Context.ROOT.withCancellation();
        Context caller = calls.attach();
        Cancellable running;
        // A trace of its own too: the request's trace shows what the tenant was answered.
        try (Scope traced = io.opentelemetry.context.Context.root().makeCurrent()) {
            running = evaluation(answered)
                    .onTermination()
                    .invoke(() -> {
                        calls.cancel(null);
                        queue.release(slot, System.nanoTime());
                    })
                    .subscribe()
                    .with(
                            pair -> {
                                LOG.info(pair);
                                metrics.shadowEvaluated(pair);
                            },
                            failure -> {
                                // One line, no trace: a shadow failing costs nobody an answer.
                                LOG.infof("shadow of request %s failed: %s", answered.requestId(), failure);
                                metrics.shadowDropped(tier, "failed");
                            });
        } finally {
            calls.detach(caller);
        }
        // At once if a request took the slot before the calls started.
        preempted.thenRun(() -> {
            running.cancel();
            calls.cancel(null);
            metrics.shadowDropped(tier, "preempted");
        });
    }

    /**
     * Runs {@code task} in a Vert.x context of its own when called in one (a request's, or the thread of whichever
     * request freed a slot): calls made in a request's context answer on it, and are lost once that request ends.
     */
    private static void apart(Runnable task) {
        io.vertx.core.Context current = Vertx.currentContext();
        if (current == null) {
            task.run();
        } else {
            VertxContext.createNewDuplicatedContext(current).runOnContext(ignored -> task.run());
        }
    }

    /** Thinks with the shadow budget, answers, and pairs the answer with the request's. */
    private Uni<ShadowPair> evaluation(ReasonResult answered) {
        Tier tier = answered.tier();
        Admitted admitted = admitted(answered);
        String shadowId = "shadow-" + answered.requestId();
        long start = System.nanoTime();
        return last(decoder.think(shadowId, answered.conversation(), admitted, false))
                .chain(thought -> last(solution.solve(
                                shadowId,
                                tier.model(),
                                thought,
                                admitted.budget().solutionTokens(),
                                admitted.sampling(),
                                admitted.deadline(),
                                false))
                        .map(solved -> pair(answered, thought, solved, start)));
    }

    /**
     * The shadow's admission: the request's tier, tenant, sampling and solution budget, the shadow thinking budget,
     * and a deadline of its own, the tier's scaled by the larger budget (the time it needs at the same pace); its
     * answer's share of that is twice the time the request's answer took.
     */
    private static Admitted admitted(ReasonResult answered) {
        Tier tier = answered.tier();
        int thinking = tier.shadow().thinkingBudgetTokens();
        long deadlineMs = (long) Math.ceil((double) tier.deadlineMs() * thinking / tier.thinkingBudgetTokens());
        long answerMs = 2 * answered.timings().solutionMillis();
        Budget requested = answered.budget();
        return new Admitted(
                tier,
                answered.tenant(),
                new Budget(thinking, requested.solutionTokens() - requested.solutionRolloverTokens()),
                Deadline.after(deadlineMs, TimeUnit.MILLISECONDS),
                deadlineMs,
                Math.max(1, deadlineMs - answerMs),
                answered.configVersion(),
                answered.receivedAt(),
                System.nanoTime(),
                false,
                answered.timings().solutionMillis(),
                1,
                answered.sampling());
    }

    private static ShadowPair pair(ReasonResult answered, ThinkingPhase thought, SolutionPhase solved, long start) {
        ThinkingPhase realThought = answered.thinking();
        ShadowPair.Run answer = run(
                answered.tier(),
                realThought,
                answered.solution(),
                answered.timings().totalMillis());
        ShadowPair.Run shadow = run(
                answered.tier(),
                thought,
                solved,
                Duration.ofNanos(System.nanoTime() - start).toMillis());
        return new ShadowPair(
                answered.requestId(),
                answered.tier(),
                Answers.agree(answered.solution().text(), solved.text()),
                answer,
                shadow);
    }

    private static ShadowPair.Run run(Tier tier, ThinkingPhase thought, SolutionPhase solved, long millis) {
        long generated = (long) thought.tokens() + solved.tokens();
        return new ShadowPair.Run(
                thought.tokens(),
                generated,
                millis,
                tier.price().map(price -> price.of(thought.promptTokens(), generated)));
    }

    private static <T> Uni<T> last(Multi<PhaseEvent<T>> phase) {
        return phase.select().last().toUni().map(event -> ((PhaseEvent.Done<T>) event).result());
    }
}
