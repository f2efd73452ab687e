package io.elasticmesh.decoder;

import io.elasticmesh.conversation.ThinkingCut;

/**
 * The outcome of the thinking phase.
 *
 * @param prompt the rendered prompt, ending inside the open thinking block
 * @param text the thinking without delimiters
 * @param closedByModel the model wrote the delimiter itself
 * @param cut why thinking was cut before the model closed it; {@link ThinkingCut#NONE} when it was not
 * @param promptTokens prompt tokens, counted by Triton
 * @param tokens generated tokens (the model's own delimiter included), counted by Triton
 * @param budgetTokens the thinking budget applied: the request's, or less when lowered to fit the context window
 * @param firstTokenMillis from the call to the first token
 * @param durationMillis duration of the phase
 */
public record Thinking(
        String prompt,
        String text,
        boolean closedByModel,
        ThinkingCut cut,
        int promptTokens,
        int tokens,
        int budgetTokens,
        long firstTokenMillis,
        long durationMillis) {

    /** Thinking was cut before the model closed it: the budget, the time or the context window ran out. */
    public boolean truncated() {
        return cut != ThinkingCut.NONE;
    }
}
