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

    static final String BUILT_IN = "tiers.yaml";

    @Produces
    @ApplicationScoped
    TierTable tierTable(RouterConfig config) {
        String source = config.tiersFile().map(Object::toString).orElse("classpath:" + BUILT_IN);
        try (InputStream in = config.tiersFile().isPresent() ? Files.newInputStream(config.tiersFile().get())
                : TierTableProducer.class.getClassLoader().getResourceAsStream(BUILT_IN)) {
            if (in == null) {
                throw new IllegalStateException(source + " not found");
            }
            return TierTable.parse(in, source);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tier file " + source, e);
        }
    }
}
