package io.elasticmesh.audit.config;

import io.elasticmesh.audit.Rubric;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Checks the rubric once at start-up; an invalid one stops the service naming what is wrong. */
public class RubricProducer {

    @Produces
    @Singleton
    Rubric rubric(AuditConfig config) {
        return new Rubric(config.review().rubric().stream()
                .map(v -> new Rubric.Value(v.name(), v.description(), v.escalates()))
                .toList());
    }
}
