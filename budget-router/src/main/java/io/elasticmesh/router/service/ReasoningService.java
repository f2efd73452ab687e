package io.elasticmesh.router.service;

import io.elasticmesh.router.client.DecoderClient;
import io.elasticmesh.router.client.SolutionClient;
import io.elasticmesh.router.kafka.AuditPublisher;
import io.elasticmesh.router.mapping.AuditMapper;
import io.grpc.Deadline;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Elastic Reasoning for one request: the tier fixes (t, s) and the deadline, the decoder thinks for at most t
 * tokens, the solution service answers within s, and a cut thinking phase is published for audit.
 */
@ApplicationScoped
public class ReasoningService {

    private final TierTable tiers;
    private final DecoderClient decoder;
    private final SolutionClient solution;
    private final AuditPublisher audit;

    public ReasoningService(TierTable tiers, DecoderClient decoder, SolutionClient solution, AuditPublisher audit) {
        this.tiers = tiers;
        this.decoder = decoder;
        this.solution = solution;
        this.audit = audit;
    }

    /**
     * @param callerDeadline the client's gRPC deadline, or null; the earlier of it and the tier's deadline applies
     */
    public Uni<ReasonResult> reason(ReasonCommand command, Deadline callerDeadline) {
        long start = System.nanoTime();
        Instant receivedAt = Instant.now();
        Tier tier = tiers.require(command.tier());
        Budget budget = BudgetPolicy.assign(tier, command.thinkingBudgetTokens(), command.solutionBudgetTokens());
        Deadline tierDeadline = Deadline.after(tier.deadlineMs(), TimeUnit.MILLISECONDS);
        Deadline deadline = callerDeadline == null ? tierDeadline : callerDeadline.minimum(tierDeadline);
        long deadlineMs = deadline.timeRemaining(TimeUnit.MILLISECONDS);
        String requestId = UUID.randomUUID().toString();

        return decoder.think(requestId, tier.model(), command.conversation(), budget.thinkingTokens(), deadline)
                .flatMap(thinking -> {
                    long thought = System.nanoTime();
                    return solution.solve(requestId, tier.model(), thinking, budget.solutionTokens(), deadline)
                            .map(answer -> {
                                long end = System.nanoTime();
                                return new ReasonResult(requestId, receivedAt, command.tenant(), tier, budget,
                                        deadlineMs, command.conversation(), thinking, answer, new ReasonResult.Timings(
                                                millis(thought - start), millis(end - thought), millis(end - start)),
                                        new ReasonResult.Requested(command.thinkingBudgetTokens(),
                                                command.solutionBudgetTokens()));
                            });
                })
                .invoke(this::auditIfCut);
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
