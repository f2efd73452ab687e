package io.elasticmesh.audit.config;

import io.elasticmesh.audit.Redactor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.util.List;

/** Compiles the redaction patterns once at start-up; an invalid pattern stops the service with the pattern named. */
public class RedactorProducer {

    @Produces
    @ApplicationScoped
    Redactor redactor(AuditConfig config) {
        return new Redactor(
                config.redaction().patterns().orElse(List.of()),
                config.redaction().replacement());
    }
}
