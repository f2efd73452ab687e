package io.elasticmesh.router.service;

import io.elasticmesh.inference.profile.Turn;
import java.util.List;
import java.util.OptionalInt;

/** A client's request, validated for shape by the mapper; budgets and tier are checked by the service. */
public record ReasonCommand(List<Turn> conversation, String tier, String tenant, OptionalInt thinkingBudgetTokens,
        OptionalInt solutionBudgetTokens) {
}
