package io.elasticmesh.edge;

import com.google.protobuf.Message;
import io.grpc.Status;
import java.util.List;

/**
 * A failure the caller can act on, thrown by domain code: its gRPC status code and a message that says what to
 * change, naming the field (a value as sent is repeated only through {@link Echo#bounded}). {@link ErrorPolicy}
 * answers it as it is; being expected, it carries no stack trace.
 */
public class DomainException extends RuntimeException {

    private final Status.Code code;

    public DomainException(Status.Code code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public Status.Code code() {
        return code;
    }

    /** The status message; the exception's message unless the status says more. */
    public String description() {
        return getMessage();
    }

    /** {@code google.rpc} details sent with the status (e.g. RetryInfo, BadRequest); none by default. */
    public List<Message> details() {
        return List.of();
    }
}
