package io.elasticmesh.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One packaged mesh service ({@code <module>/target/quarkus-app}) in its own JVM, ready when its readiness is UP. It
 * stops (SIGTERM, Quarkus' graceful shutdown) when the JVM that started it dies, however it dies.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    /**
     * The services' JVM sizes and their environment, the same file Kubernetes gives them (ConfigMap mesh-jvm): the
     * java options in JAVA_OPTS, every other variable (e.g. MALLOC_ARENA_MAX) into the process's environment.
     */
    static final String JVM_ENV_FILE = "k8s/base/jvm.env";

    private final Process process;
    private final int grpcPort;
    private final int httpPort;
    private final int managementPort;

    private ServiceProcess(Process process, int grpcPort, int httpPort, int managementPort) {
        this.process = process;
        this.grpcPort = grpcPort;
        this.httpPort = httpPort;
        this.managementPort = managementPort;
    }

    /**
     * @param module the Maven module, e.g. {@code budget-router}
     * @param grpcPort its gRPC port; 0 picks a free one
     * @param httpPort its HTTP port for clients (budget-router's OpenAI-compatible API, audit-service's console); 0
     *     picks a free one
     * @param managementPort its management port ({@code /q/health}, {@code /q/metrics}); 0 picks a free one
     * @param jvmOptions extra JVM options, e.g. a flight recording
     * @param config Quarkus configuration overrides, passed as system properties
     */
    public static ServiceProcess start(
            Path meshRoot,
            String module,
            int grpcPort,
            int httpPort,
            int managementPort,
            Path logDir,
            List<String> jvmOptions,
            Map<String, String> config) {
        Path jar = meshRoot.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build the mesh first (./mesh setup)");
        }
        for (Map.Entry<String, Integer> fixed : Map.of("gRPC", grpcPort, "HTTP", httpPort, "management", managementPort)
                .entrySet()) {
            if (fixed.getValue() != 0) {
                Ports.requireFree(fixed.getValue(), module + " " + fixed.getKey());
            }
        }
        int port = grpcPort == 0 ? Ports.free() : grpcPort;
        int http = httpPort == 0 ? Ports.free() : httpPort;
        int management = managementPort == 0 ? Ports.free() : managementPort;
        Map<String, String> jvmEnv = readEnvFile(meshRoot.resolve(JVM_ENV_FILE));
        List<String> command = new ArrayList<>(List.of(javaBinary()));
        command.addAll(javaOptions(jvmEnv, module));
        command.addAll(List.of(
                "-Dquarkus.grpc.server.port=" + port,
                "-Dquarkus.http.port=" + http,
                "-Dquarkus.management.port=" + management,
                "-Dquarkus.grpc.server.host=127.0.0.1",
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.management.host=127.0.0.1"));
        command.addAll(jvmOptions);
        config.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", jar.toString()));
        try {
            Files.createDirectories(logDir);
            Path log = logDir.resolve(module + ".log");
            ProcessBuilder builder =
                    new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            jvmEnv.forEach((name, value) -> {
                if (!name.equals("JAVA_OPTS")) {
                    builder.environment().put(name, value);
                }
            });
            // TERM is Quarkus' graceful shutdown: a JVM killed with -9 leaves no service running.
            Process process = Processes.startTiedToThisJvm(builder, "TERM");
            awaitReady(module, process, management, log);
            return new ServiceProcess(process, port, http, management);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + module, e);
        }
    }

    /**
     * The JVM options of {@code module} from the env file: JAVA_OPTS, then the module's own ({@code
     * BUDGET_ROUTER_JAVA_OPTS} for {@code budget-router}), as its Kubernetes workload joins them.
     */
    static List<String> javaOptions(Map<String, String> jvmEnv, String module) {
        String own = module.toUpperCase(Locale.ROOT).replace('-', '_') + "_JAVA_OPTS";
        return Stream.of(jvmEnv.getOrDefault("JAVA_OPTS", ""), jvmEnv.getOrDefault(own, ""))
                .flatMap(options -> Arrays.stream(options.split("\\s+")))
                .filter(o -> !o.isEmpty())
                .toList();
    }

    /** KEY=VALUE lines, as kustomize reads an env file: blank lines and lines starting with # are skipped. */
    static Map<String, String> readEnvFile(Path file) {
        Map<String, String> vars = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                int eq = line.indexOf('=');
                if (!line.isBlank() && !line.startsWith("#") && eq > 0) {
                    vars.put(line.substring(0, eq).trim(), line.substring(eq + 1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the services' JVM options " + file, e);
        }
        return vars;
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void awaitReady(String module, Process process, int managementPort, Path log) {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5))
                .build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(module + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            sleep(250);
        }
        process.destroyForcibly();
        throw new IllegalStateException(module + " not ready after " + START_TIMEOUT + "; see " + log);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public int grpcPort() {
        return grpcPort;
    }

    /** The clients' HTTP port (budget-router's OpenAI-compatible API, audit-service's console). */
    public int httpPort() {
        return httpPort;
    }

    /** Where {@code /q/health} and {@code /q/metrics} are served (not on {@link #httpPort}). */
    public int managementPort() {
        return managementPort;
    }

    public long pid() {
        return process.pid();
    }

    /** SIGKILL, as a crash: no shutdown hook runs, nothing is flushed. */
    public void kill() {
        Processes.kill(process);
    }

    @Override
    public void close() {
        Processes.stop(process);
    }
}
