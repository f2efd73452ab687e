package io.elasticmesh.router;

import io.elasticmesh.conversation.Sampling;
import io.elasticmesh.conversation.Turn;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A client's request, validated for shape by the mapper; budgets and tier are checked by the service. An empty
 * {@code tier} means the tenant's default tier; {@code authenticated}: the tenant comes from verified credentials;
 * {@code clampBudgets} lowers budgets above the tier's ceilings instead of refusing them.
 *
 * @param thinkingBudgetTokens the thinking budget as sent (a uint32 field may exceed an int)
 * @param thinkingBudgetField the request field it came from, named in refusals
 * @param sampling the sampling settings as sent, checked against the tier by admission
 */
public record ReasonCommand(
        List<Turn> conversation,
        String tier,
        String tenant,
        boolean authenticated,
        OptionalLong thinkingBudgetTokens,
        OptionalInt solutionBudgetTokens,
        boolean clampBudgets,
        String thinkingBudgetField,
        Sampling sampling) {}
