package io.elasticmesh.router.config;

import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Checks the tier and principals files every {@code router.tiers-reload-interval}; edits apply without a restart.
 * Quarkus' scheduler (the one audit-service's retention runs on) looks at its triggers once a second, so an interval
 * below 1 s acts as 1 s: a human-scale floor, as a ConfigMap edit takes about a minute to reach the pod anyway.
 */
@ApplicationScoped
public class ConfigReloader {

    private final TierTableStore tiers;
    private final PrincipalStore principals;

    public ConfigReloader(TierTableStore tiers, PrincipalStore principals) {
        this.tiers = tiers;
        this.principals = principals;
    }

    @Scheduled(
            every = "${router.tiers-reload-interval}",
            delayed = "${router.tiers-reload-interval}",
            concurrentExecution = ConcurrentExecution.SKIP)
    void reload() {
        // A bad file is reported by the file itself; anything else is logged by the scheduler, which keeps polling.
        tiers.reloadIfChanged();
        principals.reloadIfChanged();
    }
}
