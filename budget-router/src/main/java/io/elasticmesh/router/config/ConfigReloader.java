package io.elasticmesh.router.config;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/** Checks the tier and principals files every {@code router.tiers-reload-interval}; edits apply without a restart. */
@ApplicationScoped
public class ConfigReloader {

    private static final Logger LOG = Logger.getLogger(ConfigReloader.class);

    private final TierTableStore tiers;
    private final PrincipalStore principals;
    private final long intervalMillis;
    private ScheduledExecutorService poller;

    public ConfigReloader(TierTableStore tiers, PrincipalStore principals, RouterConfig config) {
        this.tiers = tiers;
        this.principals = principals;
        this.intervalMillis = config.tiersReloadInterval().toMillis();
    }

    void start(@Observes StartupEvent startup) {
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "config-reload");
            t.setDaemon(true);
            return t;
        });
        poller.scheduleWithFixedDelay(this::reload, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent shutdown) {
        poller.shutdownNow();
    }

    private void reload() {
        try {
            tiers.reloadIfChanged();
            principals.reloadIfChanged();
        } catch (RuntimeException unexpected) {
            // A bad file is reported by the file itself; anything else must not end the polling either.
            LOG.error("checking the configuration files failed", unexpected);
        }
    }
}
