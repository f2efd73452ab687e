package io.elasticmesh.router.config;

import io.elasticmesh.router.metrics.RouterMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.BiFunction;
import org.jboss.logging.Logger;

/**
 * An ops-owned file and what was parsed from it, re-read when its content changes. Comparing content, not
 * watching the directory, also sees the symlink swap by which Kubernetes updates a mounted ConfigMap or Secret. An
 * invalid or unreadable new content is logged, counted ({@code elastic_config_reload_failures_total}) and reported
 * by {@link #status()} once, and the last good value stays in force.
 *
 * @param <T> what the file is parsed into
 */
public final class ReloadableFile<T> {

    private static final Logger LOG = Logger.getLogger(ReloadableFile.class);

    private final Path file;
    private final BiFunction<byte[], String, T> parser;
    private final RouterMetrics metrics;
    private volatile T current;
    private volatile Status status;
    private byte[] lastContent;

    /**
     * @param version identifies the content in force ({@code sha256:} and 12 hex digits)
     * @param loadedAt when the value in force was read
     * @param lastError why the newest content of the file was refused, if it was
     */
    public record Status(String version, Instant loadedAt, Optional<String> lastError, Optional<Instant> lastErrorAt) {}

    /**
     * Reads the file now.
     *
     * @param parser parses content, named by the file path; throws IllegalArgumentException saying what is wrong
     * @throws IllegalArgumentException or IllegalStateException when the file is invalid or unreadable
     */
    public ReloadableFile(Path file, BiFunction<byte[], String, T> parser, RouterMetrics metrics) {
        this.file = file;
        this.parser = parser;
        this.metrics = metrics;
        byte[] content = read();
        this.current = parser.apply(content, file.toString());
        this.lastContent = content;
        this.status = new Status(TierFile.version(content), Instant.now(), Optional.empty(), Optional.empty());
        LOG.infof("%s in force: version %s", file, status.version());
    }

    public T current() {
        return current;
    }

    public Status status() {
        return status;
    }

    /** Reads the file and applies it when its content changed; returns the value in force afterwards. */
    public synchronized T reloadIfChanged() {
        byte[] content;
        try {
            content = read();
        } catch (IllegalStateException unreadable) {
            // Reported once, not at every poll; the same content is applied again when the file comes back.
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
            current = parser.apply(content, file.toString());
            status = new Status(TierFile.version(content), Instant.now(), Optional.empty(), Optional.empty());
            LOG.infof("%s reloaded: version %s", file, status.version());
        } catch (IllegalArgumentException invalid) {
            refuse(invalid.getMessage());
        }
        return current;
    }

    private void refuse(String reason) {
        metrics.configReloadFailed();
        status = new Status(status.version(), status.loadedAt(), Optional.of(reason), Optional.of(Instant.now()));
        LOG.errorf("change of %s refused, version %s stays in force: %s", file, status.version(), reason);
    }

    private byte[] read() {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e, e);
        }
    }
}
