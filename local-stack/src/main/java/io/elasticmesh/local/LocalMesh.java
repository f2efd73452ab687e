package io.elasticmesh.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
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
     * @param tiersFile the router's tier file; it is re-read every second, so tests may edit a copy
     */
    public record Options(Path meshRoot, Path workDir, int routerPort, int auditPort, int tritonPort, int kafkaPort,
            List<String> models, Path tiersFile) {

        /** Free ports everywhere and the shipped tier file, for tests. */
        public static Options ephemeral(Path meshRoot, Path workDir, List<String> models) {
            return new Options(meshRoot, workDir, 0, 0, 0, 0, models, shippedTiers(meshRoot));
        }

        public Options withTiersFile(Path file) {
            return new Options(meshRoot, workDir, routerPort, auditPort, tritonPort, kafkaPort, models, file);
        }

        /** The one tier file the project ships (also the Kubernetes ConfigMap). */
        public static Path shippedTiers(Path meshRoot) {
            return meshRoot.resolve("k8s/base/tiers.yaml");
        }
    }

    private final List<AutoCloseable> started = new ArrayList<>();
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
        Map<String, String> tritonClient = Map.of(
                "quarkus.grpc.clients.triton.host", "127.0.0.1",
                "quarkus.grpc.clients.triton.port", String.valueOf(triton.grpcPort()));
        ServiceProcess decoder = track(ServiceProcess.start(o.meshRoot(), "decoder-service", 0, logs, tritonClient));
        ServiceProcess solution = track(ServiceProcess.start(o.meshRoot(), "solution-service", 0, logs, tritonClient));
        audit = track(ServiceProcess.start(o.meshRoot(), "audit-service", o.auditPort(), logs,
                Map.of("kafka.bootstrap.servers", kafka.bootstrapServers())));
        router = track(ServiceProcess.start(o.meshRoot(), "budget-router", o.routerPort(), logs, Map.of(
                "router.tiers-file", o.tiersFile().toString(),
                "router.tiers-reload-interval", "1s",
                "quarkus.grpc.clients.decoder.host", "127.0.0.1",
                "quarkus.grpc.clients.decoder.port", String.valueOf(decoder.grpcPort()),
                "quarkus.grpc.clients.solution.host", "127.0.0.1",
                "quarkus.grpc.clients.solution.port", String.valueOf(solution.grpcPort()),
                "kafka.bootstrap.servers", kafka.bootstrapServers())));
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
        Options options = new Options(root, work, 9100, 9400, 8001, 19092, List.of("smollm2", "scripted"),
                Options.shippedTiers(root));
        LocalMesh mesh = start(options);
        Runtime.getRuntime().addShutdownHook(new Thread(mesh::close, "mesh-shutdown"));
        String ready = "MESH READY router=127.0.0.1:" + mesh.routerPort() + " audit=127.0.0.1:" + mesh.auditPort()
                + " kafka=" + mesh.kafkaBootstrapServers();
        Files.writeString(work.resolve("ready"), ready + "\n");
        System.out.println(ready);
        Thread.currentThread().join();
    }
}
