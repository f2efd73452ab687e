package io.elasticmesh.router;

import io.elasticmesh.conversation.Sampling;
import io.grpc.Deadline;
import java.time.Instant;

/**
 * What admission granted a request: its tier, budgets and deadline, and what the phases need to keep to them.
 *
 * @param tenant the calling tenant
 * @param deadlineMs the deadline applied, in milliseconds from arrival
 * @param thinkingDeadlineMs the thinking phase's share of what was left of the deadline when work started,
 *     at least 1
 * @param receivedAt arrival, before any queueing
 * @param startNanos arrival, as {@link System#nanoTime()}
 * @param clampBudgets the request may have t lowered (to its tier's ceiling, or to fit the context window)
 * @param solutionOverheadMillis the model's measured solution overhead, for the decoder's own reserve
 * @param safetyFactor what the solution's expected time is multiplied by
 * @param sampling the sampling applied to both phases ({@link SamplingPolicy})
 */
public record Admitted(
        Tier tier,
        String tenant,
        Budget budget,
        Deadline deadline,
        long deadlineMs,
        long thinkingDeadlineMs,
        String configVersion,
        Instant receivedAt,
        long startNanos,
        boolean clampBudgets,
        long solutionOverheadMillis,
        double safetyFactor,
        Sampling sampling) {}
