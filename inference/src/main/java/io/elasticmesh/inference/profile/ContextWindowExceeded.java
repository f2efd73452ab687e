package io.elasticmesh.inference.profile;

import io.elasticmesh.edge.DomainException;
import io.grpc.Status;

/**
 * The prompt, the thinking budget, the closing and the solution budget do not fit the model's context window:
 * OUT_OF_RANGE, as a budget above its ceiling is.
 */
public final class ContextWindowExceeded extends DomainException {

    public ContextWindowExceeded(String message) {
        super(Status.Code.OUT_OF_RANGE, message);
    }
}
