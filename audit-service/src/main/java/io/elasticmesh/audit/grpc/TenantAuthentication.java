package io.elasticmesh.audit.grpc;

import io.elasticmesh.audit.config.AuditConfig;
import io.elasticmesh.identity.AuthenticationInterceptor;
import io.elasticmesh.identity.YamlCredentialStore;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

/** Every call but health needs an API key of a principal in the principals file, read once at start-up. */
@ApplicationScoped
@GlobalInterceptor
public class TenantAuthentication implements ServerInterceptor {

    private final AuthenticationInterceptor authentication;

    TenantAuthentication(AuditConfig config) {
        YamlCredentialStore store = YamlCredentialStore.load(config.principalsFile());
        authentication = new AuthenticationInterceptor(() -> store);
    }

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
            ServerCallHandler<ReqT, RespT> next) {
        return authentication.interceptCall(call, headers, next);
    }
}
