package io.elasticmesh.solution;

/**
 * The outcome of the solution phase.
 *
 * @param text the answer, never containing a thinking delimiter
 * @param tokens generated tokens, counted by Triton
 * @param forcedDelimiters end-of-thinking delimiters the mesh appended: 0 or 1
 * @param budgetReached the answer hit its budget (Triton finish_reason "length")
 * @param stoppedAtThinkingDelimiter the answer ended where the model wrote a thinking delimiter
 * @param promptTokens prompt + thinking + delimiter tokens, counted by Triton
 * @param firstTokenMillis from the call to the first token
 * @param durationMillis duration of the phase
 */
public record Solution(
        String text,
        int tokens,
        int forcedDelimiters,
        boolean budgetReached,
        boolean stoppedAtThinkingDelimiter,
        int promptTokens,
        long firstTokenMillis,
        long durationMillis) {}
