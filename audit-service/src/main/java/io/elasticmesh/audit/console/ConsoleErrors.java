package io.elasticmesh.audit.console;

import io.elasticmesh.edge.DomainException;
import io.elasticmesh.edge.ErrorPolicy;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one error policy on the console's pages: the status the gRPC API would answer, as its HTTP status, with the
 * same message (which names the field) on an error page. An item of another tenant is a 404, like one that does not
 * exist.
 */
public class ConsoleErrors {

    /** The refusal's message, for the query log ({@link ConsoleQueryLog}). */
    static final String REFUSAL = "console.refusal";

    @ServerExceptionMapper({DomainException.class, StatusRuntimeException.class})
    public Response refused(ContainerRequestContext request, RuntimeException failure) {
        Status status = ErrorPolicy.toStatus(failure).getStatus();
        int http = http(status.getCode());
        String message = status.getCode() + ": " + status.getDescription();
        request.setProperty(REFUSAL, message);
        return Response.status(http)
                .type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .entity(ConsoleResource.Templates.error(http, message))
                .build();
    }

    static int http(Status.Code code) {
        return switch (code) {
            case INVALID_ARGUMENT, OUT_OF_RANGE -> 400;
            case UNAUTHENTICATED -> 401;
            case PERMISSION_DENIED -> 403;
            case NOT_FOUND -> 404;
            case ALREADY_EXISTS, ABORTED, FAILED_PRECONDITION -> 409;
            case RESOURCE_EXHAUSTED -> 429;
            case UNAVAILABLE -> 503;
            case DEADLINE_EXCEEDED -> 504;
            default -> 500;
        };
    }
}
