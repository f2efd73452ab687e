package io.elasticmesh.router.grpc;

import io.elasticmesh.identity.AuthenticationInterceptor;
import io.elasticmesh.router.config.PrincipalStore;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Authenticates every call to the router (API key in {@code x-api-key}, or the mTLS client certificate's subject)
 * when a principals file is configured; health checks stay open. Missing or unknown credentials end the call
 * UNAUTHENTICATED before any handler runs.
 */
@ApplicationScoped
@GlobalInterceptor
public class TenantAuthentication implements ServerInterceptor {

    private final PrincipalStore principals;
    private final AuthenticationInterceptor authentication;

    public TenantAuthentication(PrincipalStore principals) {
        this.principals = principals;
        this.authentication = new AuthenticationInterceptor(() -> principals.current().orElseThrow());
    }

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
            ServerCallHandler<ReqT, RespT> next) {
        return principals.current().isEmpty() ? next.startCall(call, headers)
                : authentication.interceptCall(call, headers, next);
    }
}
