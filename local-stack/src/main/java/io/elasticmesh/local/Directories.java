package io.elasticmesh.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** Work directories of the local components. */
public final class Directories {

    private Directories() {}

    /** Where ./mesh setup keeps what it fetched once (venv, Keycloak): MESH_CACHE, else ~/.cache/elastic-mesh. */
    public static Path meshCache() {
        String cache = System.getenv("MESH_CACHE");
        return cache != null && !cache.isBlank()
                ? Path.of(cache)
                : Path.of(System.getProperty("user.home"), ".cache", "elastic-mesh");
    }

    /** Deletes {@code dir} and everything under it; nothing happens when it does not exist. */
    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
