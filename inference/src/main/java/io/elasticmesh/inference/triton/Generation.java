package io.elasticmesh.inference.triton;

/**
 * A finished generation.
 *
 * @param text everything generated, stop string included when one ended it
 * @param inputTokens prompt tokens as counted by the backend
 * @param outputTokens generated tokens as counted by the backend
 * @param finishReason why generation ended
 * @param firstTokenMillis from the call to the first generated token; 0 when none was generated
 */
public record Generation(String text, int inputTokens, int outputTokens, Finish finishReason, long firstTokenMillis) {

    /** Why generation ended. */
    public enum Finish {
        /** End of sequence or a stop string. */
        STOP,
        /** max_tokens was reached. */
        LENGTH,
        /** The caller's time limit ended generation first; the stream was cancelled, so Triton stopped. */
        TIME_LIMIT;

        static Finish fromBackend(String reason) {
            return switch (reason == null ? "" : reason) {
                case "stop" -> STOP;
                case "length" -> LENGTH;
                default -> throw new IllegalStateException("backend ended without a finish reason: " + reason);
            };
        }
    }
}
