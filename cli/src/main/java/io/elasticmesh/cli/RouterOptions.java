package io.elasticmesh.cli;

import java.time.Duration;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** Where budget-router is and how to call it: the options of every router command. */
final class RouterOptions {

    private final Context context;

    @Option(
            names = {"--router", "--target"},
            paramLabel = "HOST:PORT",
            scope = ScopeType.INHERIT,
            description = "gRPC endpoint of budget-router (default: $MESH_ROUTER, "
                    + "else .mesh/ready's, else 127.0.0.1:9100)")
    private String router;

    @Option(
            names = "--api-key",
            paramLabel = "KEY",
            scope = ScopeType.INHERIT,
            description = "API key sent as x-api-key (default: $MESH_ROUTER_API_KEY; the local mesh's router "
                    + "authenticates nobody and needs none)")
    private String apiKey;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            scope = ScopeType.INHERIT,
            defaultValue = "5m",
            converter = Durations.class,
            description = "deadline of each call: 30s, 5m, … (default: ${DEFAULT-VALUE})")
    private Duration timeout;

    RouterOptions(Context context) {
        this.context = context;
    }

    Duration timeout() {
        return timeout;
    }

    String apiKey() {
        return apiKey != null ? apiKey : context.setting("MESH_ROUTER_API_KEY");
    }

    Connection connect() {
        String target = router != null ? router : context.setting("MESH_ROUTER");
        if (target == null) {
            target = context.localMesh().router();
        }
        return new Connection(context.channels().apply(target), apiKey(), timeout);
    }
}
