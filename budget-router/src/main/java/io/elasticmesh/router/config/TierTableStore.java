package io.elasticmesh.router.config;

import io.elasticmesh.router.TierTable;
import io.elasticmesh.router.metrics.RouterMetrics;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The tier configuration in force. The file is read at start-up (an invalid file stops the router with the file,
 * tier and field named) and re-read by {@link ConfigReloader}; an invalid edit keeps the last good table.
 */
@ApplicationScoped
public class TierTableStore {

    private final ReloadableFile<TierTable> file;

    public TierTableStore(RouterConfig config, RouterMetrics metrics) {
        this.file = new ReloadableFile<>(config.tiersFile(), TierFile::parse, metrics);
    }

    public TierTable current() {
        return file.current();
    }

    public ReloadableFile.Status status() {
        return file.status();
    }

    public TierTable reloadIfChanged() {
        return file.reloadIfChanged();
    }
}
