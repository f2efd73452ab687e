package io.elasticmesh.router.config;

import io.elasticmesh.router.service.TierTable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** Reads the tier file once at start-up; an invalid file stops the router with the file, tier and field named. */
public class TierTableProducer {

    @Produces
    @ApplicationScoped
    TierTable tierTable(RouterConfig config) {
        try (InputStream in = Files.newInputStream(config.tiersFile())) {
            return TierTable.parse(in, config.tiersFile().toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tier file " + config.tiersFile(), e);
        }
    }
}
