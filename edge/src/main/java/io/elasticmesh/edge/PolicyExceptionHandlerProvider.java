package io.elasticmesh.edge;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.ExceptionHandler;
import io.quarkus.grpc.ExceptionHandlerProvider;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Quarkus' hook for failures of every gRPC method (a failed Uni or Multi, or an exception thrown in a handler),
 * replacing its default (which answers a JDK {@code IllegalArgumentException} as the caller's fault and puts class
 * names in replies): every service answers through {@link ErrorPolicy}.
 */
@ApplicationScoped
public class PolicyExceptionHandlerProvider implements ExceptionHandlerProvider {

    @Override
    public <ReqT, RespT> ExceptionHandler<ReqT, RespT> createHandler(
            ServerCall.Listener<ReqT> listener, ServerCall<ReqT, RespT> call, Metadata metadata) {
        return new ExceptionHandler<>(listener, call, metadata) {
            @Override
            protected void handleException(Throwable failure, ServerCall<ReqT, RespT> call, Metadata metadata) {
                StatusRuntimeException status = ErrorPolicy.toStatus(failure);
                try {
                    call.close(
                            status.getStatus(), status.getTrailers() != null ? status.getTrailers() : new Metadata());
                } catch (IllegalStateException alreadyClosed) {
                    // The call ended first (cancelled, or answered): nobody is left to tell.
                }
            }
        };
    }

    @Override
    public Throwable transform(Throwable failure) {
        return ErrorPolicy.toStatus(failure);
    }
}
