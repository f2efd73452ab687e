package io.elasticmesh.router.service;

import io.elasticmesh.inference.triton.PhaseEvent;
import io.elasticmesh.router.client.DecoderClient;
import io.elasticmesh.router.client.SolutionClient;
import io.elasticmesh.router.kafka.AuditPublisher;
import io.elasticmesh.router.mapping.AuditMapper;
import io.grpc.Deadline;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.NoSuchElementException;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Elastic Reasoning for one request: admission fixes the tier, (t, s) and the deadline, the decoder thinks for at
 * most t tokens (or its share of the deadline), the solution service answers within s, and a cut thinking phase is
 * published for audit and held for continuation. Both phases stream; the unary forms are the streams' last events.
 */
@ApplicationScoped
public class ReasoningService {

    private final Admission admission;
    private final DecoderClient decoder;
    private final SolutionClient solution;
    private final AuditPublisher audit;
    private final ThinkingHold hold;

    public ReasoningService(Admission admission, DecoderClient decoder, SolutionClient solution, AuditPublisher audit,
            ThinkingHold hold) {
        this.admission = admission;
        this.decoder = decoder;
        this.solution = solution;
        this.audit = audit;
        this.hold = hold;
    }

    /**
     * @param callerDeadline the client's gRPC deadline, or null; the earlier of it and the tier's deadline applies
     */
    public Multi<ReasonEvent> stream(ReasonCommand command, Deadline callerDeadline) {
        return admission.admit(command, callerDeadline, admitted -> {
            String requestId = UUID.randomUUID().toString();
            return run(requestId, command, admitted, decoder.think(requestId, command.conversation(), admitted));
        });
    }

    public Uni<ReasonResult> reason(ReasonCommand command, Deadline callerDeadline) {
        return completion(stream(command, callerDeadline));
    }

    /**
     * Thinks up to {@code extraThinkingTokens} more after a held, cut request's thinking, then answers afresh, under
     * the same admission as any request of its tier.
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
            // The same tenant as the request continued, which was authenticated and admitted to this tier then.
            ReasonCommand command = new ReasonCommand(earlier.conversation(), earlier.tier().name(), tenant, false,
                    OptionalInt.of(extraThinkingTokens), OptionalInt.empty(), false);
            return admission.admit(command, callerDeadline, admitted -> {
                String continuationId = UUID.randomUUID().toString();
                return run(continuationId, command, admitted,
                        decoder.resume(continuationId, earlier.thinking(), admitted));
            });
        }));
    }

    private Multi<ReasonEvent> run(String requestId, ReasonCommand command, Admission.Admitted admitted,
            Multi<PhaseEvent<ThinkingPhase>> thinking) {
        Tier tier = admitted.tier();
        return thinking.onItem().transformToMultiAndConcatenate(event -> {
            if (event instanceof PhaseEvent.Delta<ThinkingPhase> delta) {
                return Multi.createFrom().<ReasonEvent>item(new ReasonEvent.ThinkingDelta(delta.text(), delta.tokens()));
            }
            ThinkingPhase thought = ((PhaseEvent.Done<ThinkingPhase>) event).result();
            long thoughtNanos = System.nanoTime();
            Budget budget = admitted.budget().withRollover(
                    BudgetPolicy.rollover(tier, admitted.budget(), thought.tokens(), thought.truncated()));
            Multi<ReasonEvent> answer = solution.solve(requestId, tier.model(), thought, budget.solutionTokens(),
                    admitted.deadline()).map(step -> {
                        if (step instanceof PhaseEvent.Delta<SolutionPhase> delta) {
                            return new ReasonEvent.SolutionDelta(delta.text(), delta.tokens());
                        }
                        long end = System.nanoTime();
                        return new ReasonEvent.Completed(new ReasonResult(requestId, admitted.receivedAt(),
                                admitted.tenant(), tier, budget, admitted.deadlineMs(), command.conversation(),
                                thought, ((PhaseEvent.Done<SolutionPhase>) step).result(), new ReasonResult.Timings(
                                        millis(thoughtNanos - admitted.startNanos()), millis(end - thoughtNanos),
                                        millis(end - admitted.startNanos())), admitted.configVersion(),
                                new ReasonResult.Requested(command.thinkingBudgetTokens(),
                                        command.solutionBudgetTokens())));
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

    /** Auditing never fails the answer and delays it at most router.audit.max-block; see AuditPublisher. */
    private void auditIfCut(ReasonResult result) {
        if (result.tier().audit().covers(result.thinking().truncated())) {
            audit.publish(AuditMapper.toEvent(result));
        }
    }
}
