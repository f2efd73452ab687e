package io.elasticmesh.router.service;

import io.elasticmesh.inference.profile.Turn;
import io.elasticmesh.inference.triton.PhaseEvent;
import io.elasticmesh.router.client.DecoderClient;
import io.elasticmesh.router.client.SolutionClient;
import io.elasticmesh.router.kafka.AuditPublisher;
import io.elasticmesh.router.mapping.AuditMapper;
import io.grpc.Deadline;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Elastic Reasoning for one request: the tier fixes (t, s) and the deadline, the decoder thinks for at most t
 * tokens, the solution service answers within s, and a cut thinking phase is published for audit and held for
 * continuation. Both phases stream; the unary forms are the streams' last events.
 */
@ApplicationScoped
public class ReasoningService {

    private final TierTable tiers;
    private final DecoderClient decoder;
    private final SolutionClient solution;
    private final AuditPublisher audit;
    private final ThinkingHold hold;

    public ReasoningService(TierTable tiers, DecoderClient decoder, SolutionClient solution, AuditPublisher audit,
            ThinkingHold hold) {
        this.tiers = tiers;
        this.decoder = decoder;
        this.solution = solution;
        this.audit = audit;
        this.hold = hold;
    }

    /**
     * @param callerDeadline the client's gRPC deadline, or null; the earlier of it and the tier's deadline applies
     */
    public Multi<ReasonEvent> stream(ReasonCommand command, Deadline callerDeadline) {
        return Multi.createFrom().deferred(() -> {
            Tier tier = tiers.require(command.tier());
            Plan plan = Plan.of(command.tenant(), tier, command.conversation(),
                    BudgetPolicy.assign(tier, command.thinkingBudgetTokens(), command.solutionBudgetTokens()),
                    callerDeadline);
            return run(plan, decoder.think(plan.requestId(), tier.model(), command.conversation(),
                    plan.budget().thinkingTokens(), plan.deadline()));
        });
    }

    public Uni<ReasonResult> reason(ReasonCommand command, Deadline callerDeadline) {
        return completion(stream(command, callerDeadline));
    }

    /**
     * Thinks up to {@code extraThinkingTokens} more after a held, cut request's thinking, then answers afresh.
     *
     * @throws NoSuchElementException when the request is not held
     * @throws SecurityException when it belongs to another tenant
     */
    public Uni<ReasonResult> continueReasoning(String requestId, int extraThinkingTokens, String tenant,
            Deadline callerDeadline) {
        return completion(Multi.createFrom().deferred(() -> {
            if (extraThinkingTokens < 1) {
                throw new IllegalArgumentException("extra_thinking_tokens must be at least 1, was " + extraThinkingTokens);
            }
            ReasonResult earlier = hold.find(requestId).orElseThrow(() -> new NoSuchElementException("request '"
                    + requestId + "' cannot be continued: it is unknown, its thinking was not cut, or it is no "
                    + "longer held (router.continuation.hold)"));
            if (!earlier.tenant().equals(tenant)) {
                throw new SecurityException("request '" + requestId + "' belongs to another tenant");
            }
            Tier tier = earlier.tier();
            Plan plan = Plan.of(tenant, tier, earlier.conversation(),
                    BudgetPolicy.assign(tier, OptionalInt.of(extraThinkingTokens), OptionalInt.empty()),
                    callerDeadline);
            return run(plan, decoder.resume(plan.requestId(), tier.model(), earlier.thinking(),
                    plan.budget().thinkingTokens(), plan.deadline()));
        }));
    }

    /** Everything fixed before generation starts. */
    private record Plan(String requestId, Instant receivedAt, long startNanos, String tenant, Tier tier,
            List<Turn> conversation, Budget budget, Deadline deadline, long deadlineMs) {

        static Plan of(String tenant, Tier tier, List<Turn> conversation, Budget budget, Deadline callerDeadline) {
            Deadline tierDeadline = Deadline.after(tier.deadlineMs(), TimeUnit.MILLISECONDS);
            Deadline deadline = callerDeadline == null ? tierDeadline : callerDeadline.minimum(tierDeadline);
            return new Plan(UUID.randomUUID().toString(), Instant.now(), System.nanoTime(), tenant, tier,
                    conversation, budget, deadline, deadline.timeRemaining(TimeUnit.MILLISECONDS));
        }
    }

    private Multi<ReasonEvent> run(Plan plan, Multi<PhaseEvent<ThinkingPhase>> thinking) {
        return thinking.onItem().transformToMultiAndConcatenate(event -> {
            if (event instanceof PhaseEvent.Delta<ThinkingPhase> delta) {
                return Multi.createFrom().<ReasonEvent>item(new ReasonEvent.ThinkingDelta(delta.text(), delta.tokens()));
            }
            ThinkingPhase thought = ((PhaseEvent.Done<ThinkingPhase>) event).result();
            long thoughtNanos = System.nanoTime();
            Multi<ReasonEvent> answer = solution.solve(plan.requestId(), plan.tier().model(), thought,
                    plan.budget().solutionTokens(), plan.deadline()).map(step -> {
                        if (step instanceof PhaseEvent.Delta<SolutionPhase> delta) {
                            return new ReasonEvent.SolutionDelta(delta.text(), delta.tokens());
                        }
                        long end = System.nanoTime();
                        return new ReasonEvent.Completed(new ReasonResult(plan.requestId(), plan.receivedAt(),
                                plan.tenant(), plan.tier(), plan.budget(), plan.deadlineMs(), plan.conversation(),
                                thought, ((PhaseEvent.Done<SolutionPhase>) step).result(), new ReasonResult.Timings(
                                        millis(thoughtNanos - plan.startNanos()), millis(end - thoughtNanos),
                                        millis(end - plan.startNanos()))));
                    });
            return Multi.createBy().concatenating().streams(
                    Multi.createFrom().item(new ReasonEvent.ThinkingEnded(thought)), answer);
        }).invoke(event -> {
            if (event instanceof ReasonEvent.Completed completed) {
                hold.keep(completed.result());
                auditIfCut(completed.result());
            }
        });
    }

    private static Uni<ReasonResult> completion(Multi<ReasonEvent> events) {
        return events.select().last().toUni().map(last -> ((ReasonEvent.Completed) last).result());
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    /** Auditing never delays or fails the answer; delivery failures are logged by the publisher. */
    private void auditIfCut(ReasonResult result) {
        if (result.thinking().truncated()) {
            audit.publish(AuditMapper.toEvent(result));
        }
    }
}
