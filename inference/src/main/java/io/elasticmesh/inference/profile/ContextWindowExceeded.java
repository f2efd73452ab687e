package io.elasticmesh.inference.profile;

/** The prompt, the thinking budget, the closing and the solution budget do not fit the model's context window. */
public final class ContextWindowExceeded extends RuntimeException {

    public ContextWindowExceeded(String message) {
        super(message, null, false, false);
    }
}
