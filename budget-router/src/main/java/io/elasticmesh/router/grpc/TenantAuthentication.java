package io.elasticmesh.router.grpc;

import io.elasticmesh.identity.AuthenticationInterceptor;
import io.elasticmesh.identity.CallObserver;
import io.elasticmesh.router.config.PrincipalStore;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.inject.Singleton;

/**
 * Authenticates every call to the router with the principals file as last reloaded, when one is configured (see
 * {@link AuthenticationInterceptor}); without one, callers are not authenticated.
 */
@Singleton
@GlobalInterceptor
public class TenantAuthentication extends AuthenticationInterceptor {

    public TenantAuthentication(PrincipalStore principals) {
        super(principals::current, CallObserver.NONE);
    }
}
