package io.elasticmesh.identity;

import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;

/**
 * Sees each call before {@link AuthenticationInterceptor} decides on it, so it sees the refusals no handler ever does
 * (audit-service records every call of its compliance API this way).
 */
public interface CallObserver {

    /** Observes nothing. */
    CallObserver NONE = new CallObserver() {
        @Override
        public <ReqT, RespT> Observed<ReqT, RespT> observe(
                ServerCall<ReqT, RespT> call, ServerCallHandler<ReqT, RespT> next) {
            return new Observed<>(call, next);
        }
    };

    /**
     * @param next the handler authentication calls once the caller is known ({@link Principals#current()} set)
     * @return the call authentication goes on with (and closes when it refuses), and the handler it calls
     */
    <ReqT, RespT> Observed<ReqT, RespT> observe(ServerCall<ReqT, RespT> call, ServerCallHandler<ReqT, RespT> next);

    record Observed<ReqT, RespT>(ServerCall<ReqT, RespT> call, ServerCallHandler<ReqT, RespT> next) {}
}
