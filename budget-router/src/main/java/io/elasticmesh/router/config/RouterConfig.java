package io.elasticmesh.router.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;

/** Configuration of the budget router. */
@ConfigMapping(prefix = "router")
public interface RouterConfig {

    /**
     * The SLA tier file (YAML), owned by ops; required, so a router never serves tiers nobody chose. The sample is
     * {@code k8s/base/tiers.yaml}, which Kubernetes mounts as a ConfigMap.
     */
    Path tiersFile();

    /** Tenant recorded for requests that name none (tenant identity comes with authentication). */
    @WithDefault("anonymous")
    String defaultTenant();

    /** Cut requests held for ContinueReasoning. */
    Continuation continuation();

    interface Continuation {

        /** How long a cut request can be continued after its answer. */
        @WithDefault("10m")
        Duration hold();

        /** Most cut requests held at once (the oldest is dropped first); 0 turns continuation off. */
        @WithDefault("10000")
        int maxRequests();
    }
}
