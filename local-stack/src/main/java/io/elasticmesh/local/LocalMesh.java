package io.elasticmesh.local;

import io.elasticmesh.identity.HashKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The whole mesh on one machine: Kafka in this JVM, PostgreSQL and the real Triton server as child processes, and
 * the four services, each on loopback. Closing it stops everything in reverse order.
 */
public final class LocalMesh implements AutoCloseable {

    /**
     * Where and on which ports to run; a port of 0 picks a free one.
     *
     * @param meshRoot the repository checkout (holds triton/ and the built modules)
     * @param workDir logs and data; PostgreSQL's data and the router's audit spool survive restarts there
     * @param models the Triton models to load
     * @param tiersFile the router's tier file; it is re-read every second, so tests may edit a copy
     * @param serviceJvmOptions extra JVM options for every service process (e.g. a flight recording)
     * @param serviceConfig configuration given to every service (e.g. where to export traces)
     */
    public record Options(Path meshRoot, Path workDir, int routerPort, int auditPort, int tritonPort, int kafkaPort,
            int postgresPort, List<String> models, Path tiersFile, List<String> serviceJvmOptions,
            Map<String, String> serviceConfig) {

        /** The tier file the project ships, no extra JVM options or configuration. */
        public Options(Path meshRoot, Path workDir, int routerPort, int auditPort, int tritonPort, int kafkaPort,
                int postgresPort, List<String> models) {
            this(meshRoot, workDir, routerPort, auditPort, tritonPort, kafkaPort, postgresPort, models,
                    shippedTiers(meshRoot), List.of(), Map.of());
        }

        /** Free ports everywhere and the shipped tier file, for tests. */
        public static Options ephemeral(Path meshRoot, Path workDir, List<String> models) {
            return new Options(meshRoot, workDir, 0, 0, 0, 0, 0, models);
        }

        /** The one tier file the project ships (also the Kubernetes ConfigMap). */
        public static Path shippedTiers(Path meshRoot) {
            return meshRoot.resolve("k8s/base/tiers.yaml");
        }

        public Options withTiersFile(Path file) {
            return new Options(meshRoot, workDir, routerPort, auditPort, tritonPort, kafkaPort, postgresPort, models,
                    file, serviceJvmOptions, serviceConfig);
        }

        public Options withServiceJvmOptions(List<String> options) {
            return new Options(meshRoot, workDir, routerPort, auditPort, tritonPort, kafkaPort, postgresPort, models,
                    tiersFile, List.copyOf(options), serviceConfig);
        }

        /** The same options, every service also configured with {@code config}. */
        public Options withServiceConfig(Map<String, String> config) {
            Map<String, String> merged = new LinkedHashMap<>(serviceConfig);
            merged.putAll(config);
            return new Options(meshRoot, workDir, routerPort, auditPort, tritonPort, kafkaPort, postgresPort, models,
                    tiersFile, serviceJvmOptions, Map.copyOf(merged));
        }
    }

    /** Signs audit-service's retention checkpoints; a local mesh has no secrets to protect. */
    private static final String LOCAL_CHECKPOINT_KEY = "local-mesh-checkpoint-key";
    /** Where the compliance officer's API key of a local mesh is written (and read by ./mesh audit). */
    public static final String AUDIT_KEY_FILE = "audit-api-key";

    private final List<AutoCloseable> started = new ArrayList<>();
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private Options options;
    private Path logs;
    private EmbeddedKafka kafka;
    private TritonProcess triton;
    private ServiceProcess decoder;
    private ServiceProcess solution;
    private ServiceProcess router;
    private ServiceProcess audit;
    private Map<String, String> auditConfig;
    private String auditApiKey;

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
        options = o;
        logs = o.workDir().resolve("logs");
        kafka = track(EmbeddedKafka.start(o.workDir().resolve("kafka"), o.kafkaPort()));
        PostgresProcess postgres = track(PostgresProcess.start(o.workDir().resolve("postgres"),
                logs.resolve("postgres.log"), o.postgresPort(), "audit"));
        triton = track(TritonProcess.start(o.meshRoot(), o.workDir().resolve("triton"),
                logs.resolve("tritonserver.log"), o.tritonPort(), o.models()));
        Map<String, String> tritonClient = Map.of(
                "quarkus.grpc.clients.triton.host", "127.0.0.1",
                "quarkus.grpc.clients.triton.port", String.valueOf(triton.grpcPort()),
                "mesh.inference.readiness-models", String.join(",", o.models()));
        decoder = service("decoder-service", 0, tritonClient);
        solution = service("solution-service", 0, tritonClient);
        Path principals = writeAuditPrincipals(o.workDir());
        auditConfig = Map.of(
                "audit.principals-file", principals.toString(),
                "kafka.bootstrap.servers", kafka.bootstrapServers(),
                "quarkus.datasource.jdbc.url", postgres.jdbcUrl(),
                "quarkus.datasource.username", PostgresProcess.USER,
                "audit.retention.checkpoint-key", LOCAL_CHECKPOINT_KEY);
        audit = service("audit-service", o.auditPort(), auditConfig);
        router = service("budget-router", o.routerPort(), Map.of(
                "router.tiers-file", o.tiersFile().toString(),
                "router.tiers-reload-interval", "1s",
                "quarkus.grpc.clients.decoder.host", "127.0.0.1",
                "quarkus.grpc.clients.decoder.port", String.valueOf(decoder.grpcPort()),
                "quarkus.grpc.clients.solution.host", "127.0.0.1",
                "quarkus.grpc.clients.solution.port", String.valueOf(solution.grpcPort()),
                "kafka.bootstrap.servers", kafka.bootstrapServers(),
                "router.audit.spool-dir", o.workDir().resolve("router-audit-spool").toString(),
                // Loopback answers at once: a broker silent for 2 s is down, and audit events wait in the spool.
                "router.audit.send-timeout", "2s",
                "router.audit.retry-backoff", "500ms"));
    }

    private ServiceProcess service(String module, int grpcPort, Map<String, String> config) {
        Map<String, String> merged = new LinkedHashMap<>(options.serviceConfig());
        merged.putAll(config);
        ServiceProcess process = track(ServiceProcess.start(options.meshRoot(), module, grpcPort, logs,
                options.serviceJvmOptions(), merged));
        services.put(module, process);
        return process;
    }

    /** Where a service serves {@code /q/health} and {@code /q/metrics}. */
    public int httpPort(String module) {
        ServiceProcess service = services.get(module);
        if (service == null) {
            throw new IllegalArgumentException("no service '" + module + "'; services: " + services.keySet());
        }
        return service.httpPort();
    }

    /** Where a service serves gRPC (decoder and solution listen on free ports). */
    public int grpcPort(String module) {
        httpPort(module);
        return services.get(module).grpcPort();
    }

    /**
     * A principals file with one compliance officer (every tenant) whose fresh API key is written beside it, for the
     * tests and ./mesh audit.
     */
    private Path writeAuditPrincipals(Path workDir) {
        auditApiKey = UUID.randomUUID().toString();
        Path principals = workDir.resolve("audit-principals.yaml");
        try {
            Files.createDirectories(workDir);
            Files.writeString(principals, """
                    # Written by LocalMesh at each start; the key is in %s.
                    principals:
                      - name: local-compliance-officer
                        tenant: local
                        roles: [compliance]
                        api-key-sha256: "%s"
                    """.formatted(AUDIT_KEY_FILE, HashKey.of(auditApiKey)));
            Files.writeString(workDir.resolve(AUDIT_KEY_FILE), auditApiKey + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + principals, e);
        }
        return principals;
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

    /** Triton's launcher process id (the server and its model stubs run below it). */
    public long tritonPid() {
        return triton.pid();
    }

    /** The operating-system process id of each service, by module name, e.g. to read its resident memory. */
    public Map<String, Long> servicePids() {
        Map<String, Long> pids = new LinkedHashMap<>();
        pids.put("budget-router", router.pid());
        pids.put("decoder-service", decoder.pid());
        pids.put("solution-service", solution.pid());
        pids.put("audit-service", audit.pid());
        return pids;
    }

    /** API key of a principal with the compliance role on audit-service (metadata x-api-key). */
    public String auditApiKey() {
        return auditApiKey;
    }

    public String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** Stops the Kafka broker while everything else keeps running; {@link #resumeKafka()} brings it back. */
    public void stopKafka() {
        kafka.stop();
    }

    /** Starts the broker again on the same port with the same data. */
    public void resumeKafka() {
        kafka.resume();
    }

    /** Stops audit-service and starts it again on the same port and database. */
    public void restartAudit() {
        int port = audit.grpcPort();
        audit.close();
        started.remove(audit);
        audit = service("audit-service", port, auditConfig);
    }

    /** Stops Triton while the services keep running, to see how the mesh fails. */
    public void stopTriton() {
        triton.close();
    }

    /** Kills Triton (SIGKILL) while the services keep running; {@link #startTriton()} brings it back. */
    public void killTriton() {
        triton.kill();
    }

    /** Starts Triton again on the same port with the same models, after {@link #killTriton()}. */
    public void startTriton() {
        started.remove(triton);
        triton = track(TritonProcess.start(options.meshRoot(), options.workDir().resolve("triton"),
                logs.resolve("tritonserver.log"), triton.grpcPort(), options.models()));
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
        Options options = new Options(root, work, 9100, 9400, 8001, 19092, 15432, List.of("smollm2", "scripted"));
        LocalMesh mesh = start(options);
        Runtime.getRuntime().addShutdownHook(new Thread(mesh::close, "mesh-shutdown"));
        String ready = "MESH READY router=127.0.0.1:" + mesh.routerPort() + " audit=127.0.0.1:" + mesh.auditPort()
                + " kafka=" + mesh.kafkaBootstrapServers() + " postgres=127.0.0.1:" + options.postgresPort();
        Files.writeString(work.resolve("ready"), ready + "\n");
        System.out.println(ready);
        Thread.currentThread().join();
    }
}
