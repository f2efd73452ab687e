package io.elasticmesh.cli;

import com.google.protobuf.Timestamp;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/** The filters {@code ./mesh audit list} and {@code ./mesh audit export} share. */
final class AuditFilterOptions {

    @Option(names = "--tenant", paramLabel = "T", description = "of this tenant")
    private String tenant;

    @Option(names = "--tier", paramLabel = "T", description = "answered on this SLA tier")
    private String tier;

    @Option(names = "--model", paramLabel = "M", description = "answered by this mesh model")
    private String model;

    @Option(
            names = "--since",
            paramLabel = "WHEN",
            converter = AuditCommand.Time.class,
            description = "a duration before now (30m, 1h, 7d) or an ISO-8601 instant (2026-11-28T10:00:00Z)")
    private Timestamp since;

    @Option(names = "--until", paramLabel = "WHEN", converter = AuditCommand.Time.class, description = "as --since")
    private Timestamp until;

    @Option(names = "--cut-only", description = "only requests whose thinking was cut")
    boolean cutOnly;

    /** Hands each filter that was given to the request field's setter. */
    void apply(
            Consumer<String> tenantField,
            Consumer<String> tierField,
            Consumer<String> modelField,
            Consumer<Timestamp> fromField,
            Consumer<Timestamp> toField) {
        if (tenant != null) {
            tenantField.accept(tenant);
        }
        if (tier != null) {
            tierField.accept(tier);
        }
        if (model != null) {
            modelField.accept(model);
        }
        if (since != null) {
            fromField.accept(since);
        }
        if (until != null) {
            toField.accept(until);
        }
    }
}
