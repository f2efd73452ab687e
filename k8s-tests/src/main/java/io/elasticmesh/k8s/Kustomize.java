package io.elasticmesh.k8s;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The pinned kustomize binary that {@code ./mesh setup} installs ({@code $MESH_CACHE/tools/bin/kustomize}; the
 * version is pinned in {@code ./mesh}). {@code MESH_KUSTOMIZE} names another binary.
 */
public final class Kustomize {

    private static final long TIMEOUT_SECONDS = 60;

    private final Path binary;

    private Kustomize(Path binary) {
        this.binary = binary;
    }

    /** The binary named by {@code MESH_KUSTOMIZE}, else the one {@code ./mesh setup} installs. */
    public static Kustomize pinned() {
        String explicit = System.getenv("MESH_KUSTOMIZE");
        String cache = System.getenv("MESH_CACHE");
        Path binary = explicit != null
                ? Path.of(explicit)
                : (cache != null ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache", "elastic-mesh"))
                        .resolve("tools/bin/kustomize");
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("kustomize not found at " + binary
                    + ": run ./mesh setup (it installs the pinned version), or set MESH_KUSTOMIZE");
        }
        return new Kustomize(binary);
    }

    /** {@code kustomize build dir}: the rendered multi-document YAML. */
    public String build(Path dir) {
        try {
            Path err = Files.createTempFile("kustomize", ".err");
            try {
                Process process = new ProcessBuilder(binary.toString(), "build", dir.toString())
                        .redirectError(err.toFile())
                        .start();
                process.getOutputStream().close();
                // Read before waiting, so a large render cannot fill the pipe and stall the process.
                String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("kustomize build " + dir + " took over " + TIMEOUT_SECONDS + " s");
                }
                if (process.exitValue() != 0) {
                    throw new IllegalStateException("kustomize build " + dir + " failed: "
                            + Files.readString(err).strip());
                }
                return out;
            } finally {
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + binary + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while rendering " + dir, e);
        }
    }
}
