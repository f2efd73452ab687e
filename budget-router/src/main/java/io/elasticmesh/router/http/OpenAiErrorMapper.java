package io.elasticmesh.router.http;

import io.elasticmesh.edge.ErrorPolicy;
import io.elasticmesh.router.mapping.ChatCompletions;
import io.elasticmesh.router.mapping.OpenAiErrors;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every failure of the HTTP door as OpenAI's error object, through the one error policy: the status gRPC would
 * give, as its HTTP status; an admission refusal's RetryInfo as {@code Retry-After} (whole seconds, rounded up) and
 * {@code retry-after-ms} (which OpenAI's SDKs read first).
 */
public class OpenAiErrorMapper {

    static OpenAiErrors.Reply reply(Throwable failure) {
        return OpenAiErrors.of(ErrorPolicy.toStatus(failure));
    }

    @ServerExceptionMapper
    public Response failure(Throwable failure) {
        OpenAiErrors.Reply reply = reply(failure);
        Response.ResponseBuilder response = Response.status(reply.httpStatus())
                .type(MediaType.APPLICATION_JSON)
                .entity(reply.body().toString());
        reply.retryAfterMillis()
                .ifPresent(
                        ms -> response.header("Retry-After", (ms + 999) / 1000).header("retry-after-ms", ms));
        return response.build();
    }

    /** JAX-RS' own refusals (no such path, wrong method) keep their status, in the same shape. */
    @ServerExceptionMapper
    public Response protocol(WebApplicationException failure) {
        int status = failure.getResponse().getStatus();
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON)
                .entity(ChatCompletions.error(
                                failure.getMessage(),
                                status == 404 ? "not_found_error" : "invalid_request_error",
                                null,
                                String.valueOf(status))
                        .toString())
                .build();
    }
}
