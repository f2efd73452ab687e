package io.elasticmesh.decoder;

import io.elasticmesh.conversation.Sampling;
import io.elasticmesh.inference.triton.TimeLimit;
import io.grpc.Deadline;

/**
 * What bounds one thinking phase.
 *
 * @param budgetTokens the thinking budget t, at least 1
 * @param timeLimit when thinking stops for time, returning what was generated as cut (see
 *     {@link ThinkingTimeLimit}); null for no limit but {@code deadline}
 * @param deadline the call's deadline, which fails the call when it passes
 * @param solutionBudgetTokens the s the answer keeps in the context window; 0 when the caller does not say
 * @param fitToContextWindow lower t to fit the window instead of refusing
 * @param sampling the request's sampling (see {@code ModelProfile#generation})
 */
public record ThinkingLimits(
        int budgetTokens,
        TimeLimit timeLimit,
        Deadline deadline,
        int solutionBudgetTokens,
        boolean fitToContextWindow,
        Sampling sampling) {}
