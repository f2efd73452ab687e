package io.elasticmesh.router.mapping;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * A gRPC status as the error policy gives it ({@link io.elasticmesh.edge.ErrorPolicy}), said the OpenAI way: the
 * HTTP status, the error object (the message exactly as gRPC gives it, {@code param} the field a
 * {@code google.rpc.BadRequest} names, {@code code} the gRPC code in lower case) and the retry hint of a
 * {@code google.rpc.RetryInfo}.
 */
public final class OpenAiErrors {

    /** @param retryAfterMillis the delay a RetryInfo detail asks for, when there is one */
    public record Reply(int httpStatus, ObjectNode body, OptionalLong retryAfterMillis) {}

    private OpenAiErrors() {}

    public static Reply of(StatusRuntimeException failure) {
        Status.Code code = failure.getStatus().getCode();
        String param = null;
        OptionalLong retryAfter = OptionalLong.empty();
        com.google.rpc.Status details = StatusProto.fromThrowable(failure);
        if (details != null) {
            for (Any detail : details.getDetailsList()) {
                try {
                    if (detail.is(RetryInfo.class)) {
                        com.google.protobuf.Duration delay =
                                detail.unpack(RetryInfo.class).getRetryDelay();
                        retryAfter = OptionalLong.of(delay.getSeconds() * 1000 + delay.getNanos() / 1_000_000);
                    } else if (detail.is(BadRequest.class)) {
                        BadRequest bad = detail.unpack(BadRequest.class);
                        if (bad.getFieldViolationsCount() > 0) {
                            param = bad.getFieldViolations(0).getField();
                        }
                    }
                } catch (InvalidProtocolBufferException unreadable) {
                    // A detail that cannot be read adds nothing; the status and message still stand.
                }
            }
        }
        String message = failure.getStatus().getDescription() != null
                ? failure.getStatus().getDescription()
                : code.name();
        return new Reply(
                httpStatus(code),
                ChatCompletions.error(message, type(code), param, code.name().toLowerCase(Locale.ROOT)),
                retryAfter);
    }

    /** The HTTP status of a gRPC code (the README's error table). */
    public static int httpStatus(Status.Code code) {
        return switch (code) {
            case INVALID_ARGUMENT, OUT_OF_RANGE, FAILED_PRECONDITION -> 400;
            case UNAUTHENTICATED -> 401;
            case PERMISSION_DENIED -> 403;
            case NOT_FOUND -> 404;
            case ALREADY_EXISTS, ABORTED -> 409;
            case RESOURCE_EXHAUSTED -> 429;
            // nginx's "client closed request": nobody is left to read it, but logs and metrics see it
            case CANCELLED -> 499;
            case UNIMPLEMENTED -> 501;
            case UNAVAILABLE -> 503;
            case DEADLINE_EXCEEDED -> 504;
            default -> 500;
        };
    }

    static String type(Status.Code code) {
        return switch (httpStatus(code)) {
            case 400, 409 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 429 -> "rate_limit_error";
            case 503 -> "service_unavailable_error";
            case 504 -> "timeout_error";
            default -> "server_error";
        };
    }
}
