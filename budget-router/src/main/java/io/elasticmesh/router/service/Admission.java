package io.elasticmesh.router.service;

import io.elasticmesh.conversation.Sampling;
import io.elasticmesh.edge.ErrorPolicy;
import io.elasticmesh.edge.InvalidArgument;
import io.elasticmesh.router.AdmissionQueue;
import io.elasticmesh.router.AdmissionQueue.Ticket;
import io.elasticmesh.router.AdmissionRefused;
import io.elasticmesh.router.Admitted;
import io.elasticmesh.router.Budget;
import io.elasticmesh.router.BudgetAboveCeiling;
import io.elasticmesh.router.BudgetPolicy;
import io.elasticmesh.router.CapacityShare;
import io.elasticmesh.router.DeadlineSplit;
import io.elasticmesh.router.DeadlineSplit.ModelSpeed;
import io.elasticmesh.router.ModelSpeeds;
import io.elasticmesh.router.QuotaStoreUnavailable;
import io.elasticmesh.router.Quotas;
import io.elasticmesh.router.ReasonCommand;
import io.elasticmesh.router.ReasonEvent;
import io.elasticmesh.router.ReasonResult;
import io.elasticmesh.router.SamplingOutOfBounds;
import io.elasticmesh.router.SamplingPolicy;
import io.elasticmesh.router.Tenant;
import io.elasticmesh.router.ThinkingPhase;
import io.elasticmesh.router.Tier;
import io.elasticmesh.router.TierNotAllowed;
import io.elasticmesh.router.TierTable;
import io.elasticmesh.router.config.RouterConfig;
import io.elasticmesh.router.config.TierTableStore;
import io.elasticmesh.router.metrics.RouterMetrics;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Everything the tier decides before and after a request's work: which tier (the tenant's default when none is
 * named, refused when the tenant may not use it), the budgets, the deadline (the earlier of the client's and the
 * tier's), the tenant's quota, a slot under the tier's concurrency limit (or a refusal when the wait would break
 * the deadline), and the thinking phase's share of the deadline. Afterwards it frees the slot, charges the quota
 * with the tokens used, learns the model's speed and records the tier's metrics.
 */
@ApplicationScoped
public class Admission {

    private final TierTableStore store;
    private final RouterMetrics metrics;
    private final double safetyFactor;
    private final AdmissionQueue queue;
    private final Quotas quotas;
    private final ModelSpeeds speeds;

    /**
     * @param share this router's part of the tiers' capacities (the whole, alone; see {@link ReplicaCoordination})
     * @param speeds the models' speeds, shared with the other replicas by {@link ReplicaCoordination}
     */
    public Admission(
            TierTableStore store,
            RouterConfig config,
            RouterMetrics metrics,
            Quotas quotas,
            CapacityShare share,
            ModelSpeeds speeds) {
        this.store = store;
        this.quotas = quotas;
        this.metrics = metrics;
        this.safetyFactor = config.split().safetyFactor();
        this.queue = new AdmissionQueue(
                () -> store.current().maxConcurrentRequests(),
                share,
                config.split().smoothing());
        this.speeds = speeds;
    }

    /**
     * Streams {@code work} once admitted; fails with the refusal (a {@link AdmissionRefused}) otherwise. The slot
     * is held until the stream ends or is cancelled.
     */
    public Multi<ReasonEvent> admit(
            ReasonCommand command, Deadline callerDeadline, Function<Admitted, Multi<ReasonEvent>> work) {
        long start = System.nanoTime();
        Instant receivedAt = Instant.now();
        TierTable table = store.current();
        Optional<Tenant> tenant = table.tenant(command.tenant());
        String[] tierLabel = {RouterMetrics.UNKNOWN_TIER};
        Executor inOwnContext = ownContext();
        return Multi.createFrom()
                .deferred(() -> {
                    Tier tier = resolveTier(table, tenant, command);
                    tierLabel[0] = tier.name();
                    authorize(tenant, tier);
                    Budget budget = BudgetPolicy.assign(
                            tier,
                            command.thinkingBudgetField(),
                            command.thinkingBudgetTokens(),
                            command.solutionBudgetTokens(),
                            command.clampBudgets());
                    Sampling sampling = SamplingPolicy.apply(tier, command.sampling());
                    Deadline tierDeadline = Deadline.after(tier.deadlineMs(), TimeUnit.MILLISECONDS);
                    Deadline deadline = callerDeadline == null ? tierDeadline : callerDeadline.minimum(tierDeadline);
                    long deadlineMs = deadline.timeRemaining(TimeUnit.MILLISECONDS);
                    ModelSpeed speed = speeds.of(tier.model());
                    long reserveNanos = TimeUnit.MILLISECONDS.toNanos(
                            DeadlineSplit.solutionReserveMillis(budget.solutionTokens(), speed, safetyFactor));
                    // The last moment thinking may start and leave the solution its reserve: it bounds every wait
                    // before the work (a lease from the shared quota store, a slot).
                    long latestStart = System.nanoTime() + deadline.timeRemaining(TimeUnit.NANOSECONDS) - reserveNanos;
                    Uni<Void> quota = tenant.isPresent()
                            ? decided(quotas.admit(tenant.get(), tier, start, latestStart), inOwnContext)
                            : Uni.createFrom().voidItem();
                    return quota.onItem().transformToMulti(admittedByQuota -> {
                        metrics.queueDepth(tier.name(), queue, q -> q.waiting(tier.name()));
                        long entered = System.nanoTime();
                        Ticket ticket = queue.enter(tier, entered, latestStart);
                        ReasonEvent.ThinkingEnded[] thought = {null};
                        long[] thoughtMillis = {0};
                        Uni<Ticket> slot = Uni.createFrom()
                                .completionStage(ticket.granted())
                                .emitOn(inOwnContext);
                        if (!ticket.granted().isDone()) {
                            // Only a wait is bounded: a slot free now is taken, or the 1 ms timer (timers need at
                            // least 1 ms) of a request with no time to wait could beat its own grant.
                            slot = slot.ifNoItem()
                                    .after(Duration.ofNanos(
                                            Math.max(TimeUnit.MILLISECONDS.toNanos(1), latestStart - entered)))
                                    .failWith(() -> Status.DEADLINE_EXCEEDED
                                            .withDescription("no slot of tier '" + tier.name()
                                                    + "' freed in time to answer within the deadline of " + deadlineMs
                                                    + " ms")
                                            .asRuntimeException());
                        }
                        return slot.onItem()
                                .transformToMulti(granted -> {
                                    metrics.queueWait(tier.name(), Duration.ofNanos(granted.waitedNanos()));
                                    long thinkingMs = DeadlineSplit.of(
                                                    deadline.timeRemaining(TimeUnit.MILLISECONDS),
                                                    budget.solutionTokens(),
                                                    speed,
                                                    safetyFactor)
                                            .thinkingMillis();
                                    return work.apply(new Admitted(
                                            tier,
                                            command.tenant(),
                                            budget,
                                            deadline,
                                            deadlineMs,
                                            Math.max(1, thinkingMs),
                                            table.version(),
                                            receivedAt,
                                            start,
                                            command.clampBudgets(),
                                            (long) Math.ceil(speed.solutionOverheadMillis()),
                                            safetyFactor,
                                            sampling));
                                })
                                .onTermination()
                                .invoke(() -> queue.release(ticket, System.nanoTime()))
                                .invoke(event -> {
                                    if (event instanceof ReasonEvent.ThinkingEnded ended) {
                                        thought[0] = ended;
                                        // From the request's start, as ReasonResult.Timings counts it for answered
                                        // requests.
                                        thoughtMillis[0] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                                    } else if (event instanceof ReasonEvent.Completed completed) {
                                        learn(tenant, completed.result());
                                    }
                                })
                                .onFailure()
                                .invoke(failure -> {
                                    // Failed after thinking (the answer missed the deadline, say): its speed still
                                    // teaches.
                                    if (thought[0] != null) {
                                        speeds.observeThinking(tier.model(), thought[0].thinking(), thoughtMillis[0]);
                                    }
                                });
                    });
                })
                .onTermination()
                .invoke((failure, cancelled) -> ended(tierLabel[0], failure, cancelled, start));
    }

    /**
     * A quota decision as a Uni: at once when the quota decided at once (the common case), else back in the
     * request's own contexts, as the lease it waited for completed on a worker.
     */
    private static Uni<Void> decided(CompletionStage<Void> decision, Executor inOwnContext) {
        CompletableFuture<Void> future = decision.toCompletableFuture();
        Uni<Void> uni = Uni.createFrom().completionStage(future);
        return future.isDone() ? uni : uni.emitOn(inOwnContext);
    }

    /**
     * Runs a task in this request's own contexts. A queued request is granted on the thread of whichever request
     * freed the slot; its work must not run in that request's Vert.x and gRPC contexts, or its downstream calls
     * would answer on them and be cancelled when that other request ends.
     */
    private static Executor ownContext() {
        Context grpc = Context.current();
        io.vertx.core.Context vertx = Vertx.currentContext();
        return vertx == null
                ? grpc.fixedContextExecutor(Runnable::run)
                : task -> vertx.runOnContext(ignored -> grpc.run(task));
    }

    /**
     * The tier asked for, or the tenant's default. An authenticated tenant must be in the tier file; without
     * authentication an unlisted tenant may use any tier, and must name it.
     */
    private static Tier resolveTier(TierTable table, Optional<Tenant> tenant, ReasonCommand command) {
        if (tenant.isEmpty() && command.authenticated()) {
            throw new TierNotAllowed("tenant '" + command.tenant() + "' has no entry in the tier file; ask ops to "
                    + "add it under 'tenants'");
        }
        if (tenant.isEmpty() && command.tier().isBlank()) {
            throw new InvalidArgument("tier", "must be set");
        }
        return table.require(command.tier().isBlank() ? tenant.get().defaultTier() : command.tier());
    }

    private static void authorize(Optional<Tenant> tenant, Tier tier) {
        if (tenant.isPresent() && !tenant.get().allowedTiers().contains(tier.name())) {
            throw new TierNotAllowed("tenant '" + tenant.get().name() + "' may not use tier '" + tier.name()
                    + "'; its tiers: " + new TreeSet<>(tenant.get().allowedTiers()));
        }
    }

    private void learn(Optional<Tenant> tenant, ReasonResult result) {
        long now = System.nanoTime();
        ThinkingPhase thinking = result.thinking();
        tenant.ifPresent(t -> quotas.charge(
                t,
                thinking.promptTokens() + thinking.tokens() + result.solution().tokens(),
                now));
        speeds.observe(
                result.tier().model(),
                thinking,
                result.timings().thinkingMillis(),
                result.solution(),
                result.timings().solutionMillis());
        metrics.answered(
                result.tier().name(),
                result.tier().model(),
                thinking.tokens(),
                result.solution().tokens(),
                thinking.cutReason(),
                result.timings().totalMillis() <= result.tier().deadlineMs());
    }

    private void ended(String tier, Throwable failure, boolean cancelled, long startNanos) {
        Status.Code code =
                failure != null ? ErrorPolicy.codeOf(failure) : cancelled ? Status.Code.CANCELLED : Status.Code.OK;
        metrics.requestEnded(tier, code.name(), Duration.ofNanos(System.nanoTime() - startNanos));
        if (failure instanceof AdmissionRefused refused) {
            metrics.refused(tier, refused.reason().name().toLowerCase(Locale.ROOT));
        } else if (failure instanceof BudgetAboveCeiling) {
            metrics.refused(tier, "budget_above_ceiling");
        } else if (failure instanceof SamplingOutOfBounds) {
            metrics.refused(tier, "sampling_out_of_bounds");
        } else if (failure instanceof TierNotAllowed) {
            metrics.refused(tier, "tier_not_allowed");
        } else if (failure instanceof QuotaStoreUnavailable) {
            metrics.refused(tier, "quota_store_unavailable");
        } else if (code == Status.Code.INVALID_ARGUMENT || code == Status.Code.NOT_FOUND) {
            metrics.refused(tier, code.name().toLowerCase(Locale.ROOT));
        }
    }

    /** The admission queue, for the admin view of in-flight and waiting requests. */
    public AdmissionQueue queue() {
        return queue;
    }

    /** Tokens left in a tenant's quota now. */
    public double remainingQuota(Tenant tenant) {
        return quotas.remaining(tenant, System.nanoTime());
    }
}
