package io.elasticmesh.router;

import com.google.protobuf.Message;
import io.elasticmesh.edge.DomainException;
import io.elasticmesh.edge.InvalidArgument;
import io.grpc.Status;
import java.util.List;

/**
 * A well-formed sampling value outside its tier's bounds, or a seed on a tier that refuses seeds (gRPC
 * OUT_OF_RANGE), with the field as a {@code google.rpc.BadRequest} field violation.
 */
public final class SamplingOutOfBounds extends DomainException {

    private final String field;

    public SamplingOutOfBounds(String field, String message) {
        super(Status.Code.OUT_OF_RANGE, message);
        this.field = field;
    }

    public String field() {
        return field;
    }

    @Override
    public List<Message> details() {
        return InvalidArgument.fieldViolation(field, getMessage());
    }
}
