package io.elasticmesh.inference.quarkus;

import io.elasticmesh.inference.profile.ContextWindowExceeded;
import io.elasticmesh.inference.triton.TritonModelException;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.util.NoSuchElementException;

/**
 * Turns failures into the gRPC status a caller can act on: a missing thing is NOT_FOUND, another tenant's thing
 * PERMISSION_DENIED, a bad argument INVALID_ARGUMENT, a request that does not fit the model's context window
 * OUT_OF_RANGE, a model failure INTERNAL; a status from downstream passes
 * through unchanged.
 */
public final class GrpcErrors {

    private GrpcErrors() {
    }

    public static Throwable toStatus(Throwable failure) {
        if (failure instanceof StatusRuntimeException || failure instanceof StatusException) {
            return failure;
        }
        if (failure instanceof ContextWindowExceeded) {
            return Status.OUT_OF_RANGE.withDescription(failure.getMessage()).asRuntimeException();
        }
        if (failure instanceof NoSuchElementException) {
            return Status.NOT_FOUND.withDescription(failure.getMessage()).asRuntimeException();
        }
        if (failure instanceof SecurityException) {
            return Status.PERMISSION_DENIED.withDescription(failure.getMessage()).asRuntimeException();
        }
        if (failure instanceof IllegalArgumentException) {
            return Status.INVALID_ARGUMENT.withDescription(failure.getMessage()).asRuntimeException();
        }
        if (failure instanceof TritonModelException) {
            return Status.INTERNAL.withDescription("Triton: " + failure.getMessage()).withCause(failure)
                    .asRuntimeException();
        }
        return Status.INTERNAL.withDescription(failure.toString()).withCause(failure).asRuntimeException();
    }
}
