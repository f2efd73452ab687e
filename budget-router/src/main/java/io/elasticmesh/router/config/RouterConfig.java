package io.elasticmesh.router.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.Optional;

/** Configuration of the budget router. */
@ConfigMapping(prefix = "router")
public interface RouterConfig {

    /** The SLA tier file (YAML). Without it the router serves the built-in {@code tiers.yaml}. */
    Optional<Path> tiersFile();

    /** Tenant recorded for requests that name none (tenant identity comes with authentication). */
    @WithDefault("anonymous")
    String defaultTenant();
}
