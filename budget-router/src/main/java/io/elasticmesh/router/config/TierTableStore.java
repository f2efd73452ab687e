package io.elasticmesh.router.config;

import io.elasticmesh.router.metrics.RouterMetrics;
import io.elasticmesh.router.service.TierTable;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The tier configuration in force, reloaded when the file changes. The file is read at start-up (an invalid file
 * stops the router) and then polled: polling the content, not watching the directory, also sees the symlink swap
 * by which Kubernetes updates a mounted ConfigMap. An invalid edit is logged, counted and reported by
 * {@link #status()}, and the last good table stays in force.
 */
@ApplicationScoped
public class TierTableStore {

    private static final Logger LOG = Logger.getLogger(TierTableStore.class);

    private final RouterConfig config;
    private final RouterMetrics metrics;
    private volatile TierTable current;
    private volatile Status status;
    private byte[] lastContent;
    private ScheduledExecutorService poller;

    /**
     * @param loadedAt when the table in force was read
     * @param lastError why the newest content of the file was refused, if it was
     * @param lastErrorAt when it was refused
     */
    public record Status(String version, Instant loadedAt, Optional<String> lastError, Optional<Instant> lastErrorAt) {
    }

    public TierTableStore(RouterConfig config, RouterMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
        byte[] content = read();
        this.current = TierFile.parse(content, config.tiersFile().toString());
        this.lastContent = content;
        this.status = new Status(current.version(), Instant.now(), Optional.empty(), Optional.empty());
        LOG.infof("tier file %s in force: version %s, tiers %s", config.tiersFile(), current.version(),
                current.names());
    }

    public TierTable current() {
        return current;
    }

    public Status status() {
        return status;
    }

    void start(@Observes StartupEvent startup) {
        long every = config.tiersReloadInterval().toMillis();
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tier-file-reload");
            t.setDaemon(true);
            return t;
        });
        poller.scheduleWithFixedDelay(this::reloadIfChanged, every, every, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (poller != null) {
            poller.shutdownNow();
        }
    }

    /** Reads the file and applies it when its content changed; returns the table in force afterwards. */
    public synchronized TierTable reloadIfChanged() {
        byte[] content;
        try {
            content = read();
        } catch (IllegalStateException unreadable) {
            // Counted once, not at every poll; the same content is re-applied when the file comes back.
            lastContent = null;
            if (!status.lastError().equals(Optional.of(unreadable.getMessage()))) {
                refuse(unreadable.getMessage());
            }
            return current;
        }
        if (Arrays.equals(content, lastContent)) {
            return current;
        }
        lastContent = content;
        try {
            TierTable next = TierFile.parse(content, config.tiersFile().toString());
            current = next;
            status = new Status(next.version(), Instant.now(), Optional.empty(), Optional.empty());
            LOG.infof("tier file reloaded: version %s, tiers %s", next.version(), next.names());
        } catch (IllegalArgumentException invalid) {
            refuse(invalid.getMessage());
        }
        return current;
    }

    private void refuse(String reason) {
        metrics.configReloadFailed();
        status = new Status(status.version(), status.loadedAt(), Optional.of(reason), Optional.of(Instant.now()));
        LOG.errorf("tier file change refused, version %s stays in force: %s", current.version(), reason);
    }

    private byte[] read() {
        try {
            return Files.readAllBytes(config.tiersFile());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read tier file " + config.tiersFile() + ": " + e, e);
        }
    }
}
