package io.elasticmesh.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The real Triton server, started through {@code triton/launch.py} with the venv that {@code triton/setup.sh}
 * prepared. Ready once the launcher prints its READY line (server and every model ready). Launcher and server stop
 * when the JVM that started them dies, however it dies.
 */
public final class TritonProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(4);

    private final Process process;
    private final int grpcPort;

    private TritonProcess(Process process, int grpcPort) {
        this.process = process;
        this.grpcPort = grpcPort;
    }

    /** The launcher's process id; the server and its Python-backend stubs are its descendants. */
    public long pid() {
        return process.pid();
    }

    /**
     * Starts Triton serving {@code models} on {@code grpcPort} (0 picks a free one); blocks until ready.
     *
     * @param workDir where the launcher copies the server tree
     * @param log the server's log file
     */
    public static TritonProcess start(Path meshRoot, Path workDir, Path log, int grpcPort, List<String> models) {
        int port = grpcPort == 0 ? Ports.free() : grpcPort;
        try {
            Files.createDirectories(workDir);
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(
                            python().toString(),
                            meshRoot.resolve("triton/launch.py").toString(),
                            "--grpc-port",
                            String.valueOf(port),
                            "--http-port",
                            String.valueOf(Ports.free()),
                            "--metrics-port",
                            String.valueOf(Ports.free()),
                            "--models",
                            String.join(",", models),
                            "--workdir",
                            workDir.resolve("server").toString(),
                            "--log",
                            log.toString())
                    .redirectErrorStream(true);
            // launch.py stops tritonserver on TERM (TERM, then KILL of its process group after a grace period); a
            // launch.py that dies first takes tritonserver with it (the server's own parent-death signal, KILL).
            Process process = Processes.startTiedToThisJvm(builder, "TERM");
            awaitReady(process, log);
            return new TritonProcess(process, port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start triton/launch.py", e);
        }
    }

    /** The venv Python: MESH_PYTHON, else the venv under MESH_CACHE (default ~/.cache/elastic-mesh). */
    public static Path python() {
        String explicit = System.getenv("MESH_PYTHON");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        return Directories.meshCache().resolve("venv/bin/python");
    }

    private static void awaitReady(Process process, Path log) {
        // One reader sees the READY line and keeps draining, so the launcher never blocks on a full pipe.
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader out = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = out.readLine()) != null) {
                            if (line.startsWith("TRITON READY")) {
                                ready.complete(null);
                            }
                        }
                    } catch (IOException e) {
                        // The pipe closed: the launcher ended.
                    }
                    ready.completeExceptionally(
                            new IllegalStateException("launcher exited before Triton was ready; see " + log));
                },
                "triton-launcher-out");
        reader.setDaemon(true);
        reader.start();
        try {
            ready.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException("Triton not ready after " + START_TIMEOUT + "; see " + log);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("Triton failed to start: " + e.getMessage() + "; see " + log, e);
        }
    }

    public int grpcPort() {
        return grpcPort;
    }

    /** Kills the launcher with SIGKILL, as a crash; the server dies with it (its parent-death signal). */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the server (the launcher forwards SIGTERM) and waits for it. */
    @Override
    public void close() {
        Processes.stop(process);
    }
}
