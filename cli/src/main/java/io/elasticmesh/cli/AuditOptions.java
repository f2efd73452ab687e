package io.elasticmesh.cli;

import java.time.Duration;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** Where audit-service is and the compliance key to call it with: the options of every audit command. */
final class AuditOptions {

    private final Context context;

    @Option(
            names = "--audit",
            paramLabel = "HOST:PORT",
            scope = ScopeType.INHERIT,
            description = "gRPC endpoint of audit-service (default: $MESH_AUDIT, "
                    + "else .mesh/ready's, else 127.0.0.1:9400)")
    private String audit;

    @Option(
            names = "--api-key",
            paramLabel = "KEY",
            scope = ScopeType.INHERIT,
            description = "API key of a compliance or auditor principal, sent as x-api-key (default: $MESH_API_KEY, "
                    + "else the local mesh's compliance key from .mesh/audit-api-key)")
    private String apiKey;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            scope = ScopeType.INHERIT,
            defaultValue = "5m",
            converter = Durations.class,
            description = "deadline of each call; verify walks a whole chain (default: ${DEFAULT-VALUE})")
    private Duration timeout;

    AuditOptions(Context context) {
        this.context = context;
    }

    Connection connect() {
        return connect(context, audit, apiKey, timeout);
    }

    /** Options not given come from MESH_AUDIT and MESH_API_KEY, else from the local mesh. */
    static Connection connect(Context context, String audit, String apiKey, Duration timeout) {
        String target = audit != null ? audit : context.setting("MESH_AUDIT");
        String key = apiKey != null ? apiKey : context.setting("MESH_API_KEY");
        if (target == null || key == null) {
            LocalDefaults local = context.localMesh();
            target = target != null ? target : local.audit();
            key = key != null ? key : local.auditApiKey();
        }
        return new Connection(context.channels().apply(target), key, timeout);
    }
}
