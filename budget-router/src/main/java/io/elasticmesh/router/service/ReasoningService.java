package io.elasticmesh.router.service;

import io.elasticmesh.router.client.DecoderClient;
import io.elasticmesh.router.client.SolutionClient;
import io.elasticmesh.router.kafka.AuditPublisher;
import io.elasticmesh.router.mapping.AuditMapper;
import io.grpc.Deadline;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Elastic Reasoning for one request: the tier fixes (t, s) and the deadline, the decoder thinks for at most t
 * tokens, the solution service answers within s, and a cut thinking phase is published for audit.
 */
@ApplicationScoped
public class ReasoningService {

    private final Admission admission;
    private final DecoderClient decoder;
    private final SolutionClient solution;
    private final AuditPublisher audit;

    public ReasoningService(Admission admission, DecoderClient decoder, SolutionClient solution,
            AuditPublisher audit) {
        this.admission = admission;
        this.decoder = decoder;
        this.solution = solution;
        this.audit = audit;
    }

    /**
     * @param callerDeadline the client's gRPC deadline, or null; the earlier of it and the tier's deadline applies
     */
    public Uni<ReasonResult> reason(ReasonCommand command, Deadline callerDeadline) {
        return admission.admit(command, callerDeadline, admitted -> run(command, admitted));
    }

    private Uni<ReasonResult> run(ReasonCommand command, Admission.Admitted admitted) {
        long start = System.nanoTime();
        Tier tier = admitted.tier();
        Deadline deadline = admitted.deadline();
        String requestId = UUID.randomUUID().toString();

        return decoder.think(requestId, tier.model(), command.conversation(), admitted.budget().thinkingTokens(),
                        admitted.thinkingDeadlineMs(), deadline)
                .flatMap(thinking -> {
                    long thought = System.nanoTime();
                    Budget budget = admitted.budget().withRollover(
                            BudgetPolicy.rollover(tier, admitted.budget(), thinking.tokens(), thinking.truncated()));
                    return solution.solve(requestId, tier.model(), thinking, budget.solutionTokens(), deadline)
                            .map(answer -> {
                                long end = System.nanoTime();
                                return new ReasonResult(requestId, admitted.receivedAt(), admitted.tenant(), tier,
                                        budget, admitted.deadlineMs(), command.conversation(), thinking, answer,
                                        new ReasonResult.Timings(millis(thought - start), millis(end - thought),
                                                millis(end - admitted.startNanos())), admitted.configVersion());
                            });
                })
                .invoke(this::auditIfCut);
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
