package io.elasticmesh.router.config;

import io.elasticmesh.identity.CredentialStore;
import io.elasticmesh.identity.YamlCredentialStore;
import io.elasticmesh.router.metrics.RouterMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayInputStream;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The principals (hashed API keys, certificate subjects, and the tenant each acts for) when
 * {@code router.principals-file} is set; re-read by {@link ConfigReloader} like the tier file. Without it callers are
 * not authenticated and the tenant is whatever the request names.
 */
@ApplicationScoped
public class PrincipalStore {

    private static final Logger LOG = Logger.getLogger(PrincipalStore.class);

    private final Optional<ReloadableFile<YamlCredentialStore>> file;

    public PrincipalStore(RouterConfig config, RouterMetrics metrics) {
        this.file = config.principalsFile()
                .map(path -> new ReloadableFile<>(
                        path,
                        (content, source) -> YamlCredentialStore.parse(new ByteArrayInputStream(content), source),
                        metrics));
        if (file.isEmpty()) {
            LOG.warn("router.principals-file is not set: callers are not authenticated, the tenant is taken from "
                    + "the request");
        }
    }

    /** Empty when authentication is off. */
    public Optional<CredentialStore> current() {
        return file.map(ReloadableFile::current);
    }

    public void reloadIfChanged() {
        file.ifPresent(ReloadableFile::reloadIfChanged);
    }
}
