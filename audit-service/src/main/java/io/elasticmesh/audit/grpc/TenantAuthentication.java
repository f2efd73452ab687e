package io.elasticmesh.audit.grpc;

import io.elasticmesh.audit.config.AuditConfig;
import io.elasticmesh.audit.service.QueryLog;
import io.elasticmesh.identity.AuthenticationInterceptor;
import io.elasticmesh.identity.YamlCredentialStore;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Every call but health needs an API key of a principal in the principals file, read once at start-up (see
 * {@link AuthenticationInterceptor}). Every call of the compliance API is recorded in the query log, authenticated or
 * not, with the status it was answered with: recording around authentication ({@link RecordedCall#observer}) is what
 * catches the refusals no handler ever sees.
 */
@Singleton
@GlobalInterceptor
public class TenantAuthentication extends AuthenticationInterceptor {

    TenantAuthentication(AuditConfig config, QueryLog queryLog) {
        super(loadedOnce(config.principalsFile()), RecordedCall.observer(queryLog));
    }

    private static Supplier<Optional<YamlCredentialStore>> loadedOnce(Path file) {
        Optional<YamlCredentialStore> store = Optional.of(YamlCredentialStore.load(file));
        return () -> store;
    }
}
