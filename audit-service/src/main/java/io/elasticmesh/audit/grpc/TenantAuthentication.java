package io.elasticmesh.audit.grpc;

import io.elasticmesh.audit.config.AuditConfig;
import io.elasticmesh.audit.service.QueryLog;
import io.elasticmesh.identity.AuthenticationInterceptor;
import io.elasticmesh.identity.YamlCredentialStore;
import io.elasticmesh.proto.audit.v1.AuditServiceGrpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Every call but health needs an API key of a principal in the principals file, read once at start-up. Every call
 * of the compliance API is recorded in the query log, authenticated or not, with the status it was answered with:
 * recording here, around authentication, is what catches the refusals no handler ever sees.
 */
@ApplicationScoped
@GlobalInterceptor
public class TenantAuthentication implements ServerInterceptor {

    private final AuthenticationInterceptor authentication;
    private final QueryLog queryLog;

    TenantAuthentication(AuditConfig config, QueryLog queryLog) {
        YamlCredentialStore store = YamlCredentialStore.load(config.principalsFile());
        authentication = new AuthenticationInterceptor(() -> store);
        this.queryLog = queryLog;
    }

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
            ServerCallHandler<ReqT, RespT> next) {
        if (!AuditServiceGrpc.SERVICE_NAME.equals(call.getMethodDescriptor().getServiceName())) {
            return authentication.interceptCall(call, headers, next);
        }
        RecordedCall<ReqT, RespT> recorded = new RecordedCall<>(call, queryLog);
        return authentication.interceptCall(recorded, headers, recorded.handler(next));
    }
}
