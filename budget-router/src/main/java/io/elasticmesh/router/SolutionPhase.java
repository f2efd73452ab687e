package io.elasticmesh.router;

/** What the solution service reported; see solution_service.proto for each field. */
public record SolutionPhase(
        String text,
        int tokens,
        int forcedDelimiters,
        boolean budgetReached,
        boolean stoppedAtThinkingDelimiter,
        long firstTokenMillis) {}
