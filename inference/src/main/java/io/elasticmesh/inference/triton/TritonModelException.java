package io.elasticmesh.inference.triton;

import io.elasticmesh.edge.DomainException;
import io.grpc.Status;

/**
 * Triton accepted the call but the model failed the request: INTERNAL with Triton's own message (bounded), which
 * says what the model refused (e.g. a prompt beyond its context window) and is all the caller can act on; Triton's
 * log has the rest.
 */
public class TritonModelException extends DomainException {

    /** Triton's messages are a line or two; a runaway one is cut. */
    private static final int MAX_MESSAGE_CHARS = 1_000;

    public TritonModelException(String message) {
        super(
                Status.Code.INTERNAL,
                message.length() > MAX_MESSAGE_CHARS
                        ? message.substring(0, MAX_MESSAGE_CHARS) + "… (" + message.length() + " characters)"
                        : message);
    }
}
