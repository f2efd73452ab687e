package io.elasticmesh.edge;

import com.google.protobuf.Message;
import com.google.rpc.BadRequest;
import io.grpc.Status;
import java.util.List;

/**
 * A request field the caller must change: INVALID_ARGUMENT, with the field in the message and as a
 * {@code google.rpc.BadRequest} field violation.
 */
public final class InvalidArgument extends DomainException {

    private final String field;

    /** @param problem what is wrong, e.g. {@code "must be at least 1, was 0"} */
    public InvalidArgument(String field, String problem) {
        super(Status.Code.INVALID_ARGUMENT, field + " " + problem);
        this.field = field;
    }

    public String field() {
        return field;
    }

    @Override
    public List<Message> details() {
        return fieldViolation(field, getMessage());
    }

    /** The {@code google.rpc.BadRequest} naming {@code field}, for any refusal of one field's value. */
    public static List<Message> fieldViolation(String field, String description) {
        return List.of(BadRequest.newBuilder()
                .addFieldViolations(
                        BadRequest.FieldViolation.newBuilder().setField(field).setDescription(description))
                .build());
    }

    /**
     * Refuses text longer than {@code maxChars}, naming the field, the limit and the length sent but not the text:
     * a bound that repeated what it refuses would not bound anything.
     */
    public static String requireMaxLength(String field, String value, int maxChars) {
        if (value.length() > maxChars) {
            throw new InvalidArgument(field, "must be at most " + maxChars + " characters, was " + value.length());
        }
        return value;
    }

    /** Refuses a repeated field with more than {@code max} elements. */
    public static void requireMaxCount(String field, int count, int max) {
        if (count > max) {
            throw new InvalidArgument(field, "must have at most " + max + " elements, had " + count);
        }
    }
}
