package io.elasticmesh.decoder.service;

/**
 * The outcome of the thinking phase.
 *
 * @param prompt the rendered prompt, ending inside the open thinking block
 * @param text the thinking without the end-of-thinking delimiter
 * @param closedByModel the model wrote the delimiter itself
 * @param truncated thinking was cut before the model closed it: the budget ran out, or its time
 * @param deadlineCut it was cut because the phase's time limit was spent
 * @param promptTokens prompt tokens, counted by Triton
 * @param tokens generated tokens (the model's own delimiter included), counted by Triton
 * @param firstTokenMillis from the call to the first token
 * @param durationMillis duration of the phase
 */
public record Thinking(String prompt, String text, boolean closedByModel, boolean truncated, int promptTokens,
        int tokens, long firstTokenMillis, long durationMillis, boolean deadlineCut) {
}
