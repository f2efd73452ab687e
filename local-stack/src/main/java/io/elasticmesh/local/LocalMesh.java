package io.elasticmesh.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole mesh on one machine: Kafka in this JVM, the real Triton server, and the four services, each on
 * loopback. Closing it stops everything in reverse order.
 */
public final class LocalMesh implements AutoCloseable {

    /**
     * Where and on which ports to run; a port of 0 picks a free one.
     *
     * @param meshRoot the repository checkout (holds triton/ and the built modules)
     * @param workDir logs and data
     * @param models the Triton models to load
     * @param serviceConfig configuration given to every service (e.g. where to export traces)
     */
    public record Options(Path meshRoot, Path workDir, int routerPort, int auditPort, int tritonPort, int kafkaPort,
            List<String> models, Map<String, String> serviceConfig) {

        public Options(Path meshRoot, Path workDir, int routerPort, int auditPort, int tritonPort, int kafkaPort,
                List<String> models) {
            this(meshRoot, workDir, routerPort, auditPort, tritonPort, kafkaPort, models, Map.of());
        }

        /** The same options, every service also configured with {@code config}. */
        public Options withServiceConfig(Map<String, String> config) {
            return new Options(meshRoot, workDir, routerPort, auditPort, tritonPort, kafkaPort, models,
                    Map.copyOf(merged(serviceConfig, config)));
        }

        /** Free ports everywhere, for tests. */
        public static Options ephemeral(Path meshRoot, Path workDir, List<String> models) {
            return new Options(meshRoot, workDir, 0, 0, 0, 0, models);
        }
    }

    private final List<AutoCloseable> started = new ArrayList<>();
    private final Map<String, ServiceProcess> services = new HashMap<>();
    private EmbeddedKafka kafka;
    private TritonProcess triton;
    private ServiceProcess router;
    private ServiceProcess audit;

    private LocalMesh() {
    }

    public static LocalMesh start(Options options) {
        LocalMesh mesh = new LocalMesh();
        try {
            mesh.startAll(options);
            return mesh;
        } catch (RuntimeException e) {
            mesh.close();
            throw e;
        }
    }

    private void startAll(Options o) {
        Path logs = o.workDir().resolve("logs");
        kafka = track(EmbeddedKafka.start(o.workDir().resolve("kafka"), o.kafkaPort()));
        triton = track(TritonProcess.start(o.meshRoot(), o.workDir().resolve("triton"),
                logs.resolve("tritonserver.log"), o.tritonPort(), o.models()));
        Map<String, String> tritonClient = with(o, Map.of(
                "quarkus.grpc.clients.triton.host", "127.0.0.1",
                "quarkus.grpc.clients.triton.port", String.valueOf(triton.grpcPort()),
                "mesh.inference.readiness-models", String.join(",", o.models())));
        ServiceProcess decoder = service("decoder-service", ServiceProcess.start(o.meshRoot(), "decoder-service", 0,
                logs, tritonClient));
        ServiceProcess solution = service("solution-service", ServiceProcess.start(o.meshRoot(), "solution-service", 0,
                logs, tritonClient));
        audit = service("audit-service", ServiceProcess.start(o.meshRoot(), "audit-service", o.auditPort(), logs,
                with(o, Map.of("kafka.bootstrap.servers", kafka.bootstrapServers()))));
        router = service("budget-router", ServiceProcess.start(o.meshRoot(), "budget-router", o.routerPort(), logs,
                with(o, Map.of(
                "router.tiers-file", o.meshRoot().resolve("k8s/base/tiers.yaml").toString(),
                "quarkus.grpc.clients.decoder.host", "127.0.0.1",
                "quarkus.grpc.clients.decoder.port", String.valueOf(decoder.grpcPort()),
                "quarkus.grpc.clients.solution.host", "127.0.0.1",
                "quarkus.grpc.clients.solution.port", String.valueOf(solution.grpcPort()),
                "kafka.bootstrap.servers", kafka.bootstrapServers()))));
    }

    private static Map<String, String> with(Options o, Map<String, String> config) {
        return merged(o.serviceConfig(), config);
    }

    private static Map<String, String> merged(Map<String, String> base, Map<String, String> overrides) {
        Map<String, String> merged = new HashMap<>(base);
        merged.putAll(overrides);
        return merged;
    }

    private ServiceProcess service(String module, ServiceProcess process) {
        services.put(module, process);
        return track(process);
    }

    private <T extends AutoCloseable> T track(T component) {
        started.add(component);
        return component;
    }

    public int routerPort() {
        return router.grpcPort();
    }

    /** Triton's gRPC port, for tests that call the model directly. */
    public int tritonPort() {
        return triton.grpcPort();
    }

    public int auditPort() {
        return audit.grpcPort();
    }

    /** The HTTP port (health, metrics) of a service, by module name ({@code decoder-service}, …). */
    public int httpPort(String module) {
        ServiceProcess service = services.get(module);
        if (service == null) {
            throw new IllegalArgumentException("no service '" + module + "'; services: " + services.keySet());
        }
        return service.httpPort();
    }

    public String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** Stops Triton while the services keep running, to see how the mesh fails. */
    public void stopTriton() {
        triton.close();
    }

    @Override
    public void close() {
        List<AutoCloseable> reverse = new ArrayList<>(started);
        Collections.reverse(reverse);
        for (AutoCloseable component : reverse) {
            try {
                component.close();
            } catch (Exception e) {
                System.err.println("stopping " + component + " failed: " + e);
            }
        }
        started.clear();
    }

    /** {@code ./mesh up}: runs the mesh on its default ports until this process is stopped. */
    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getenv().getOrDefault("MESH_ROOT", ".")).toAbsolutePath().normalize();
        Path work = root.resolve(".mesh");
        Options options = new Options(root, work, 9100, 9400, 8001, 19092, List.of("smollm2", "scripted"));
        LocalMesh mesh = start(options);
        Runtime.getRuntime().addShutdownHook(new Thread(mesh::close, "mesh-shutdown"));
        String ready = "MESH READY router=127.0.0.1:" + mesh.routerPort() + " audit=127.0.0.1:" + mesh.auditPort()
                + " kafka=" + mesh.kafkaBootstrapServers();
        Files.writeString(work.resolve("ready"), ready + "\n");
        System.out.println(ready);
        Thread.currentThread().join();
    }
}
