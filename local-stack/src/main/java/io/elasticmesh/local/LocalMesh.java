package io.elasticmesh.local;

import io.elasticmesh.identity.HashKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The whole mesh on one machine: Kafka in this JVM, PostgreSQL and the real Triton server as child processes, and
 * the four services, each on loopback. Closing it stops everything in reverse order, and so does a shutdown hook when
 * this JVM is stopped. A JVM killed with -9 runs no hook: then the kernel stops each child (its parent-death signal,
 * set through {@code setpriv --pdeathsig} by {@link Processes#startTiedToThisJvm}), so nothing is left running and
 * no port held; {@code StarterKilledIT} kills such a JVM and checks.
 */
public final class LocalMesh implements AutoCloseable {

    /**
     * Where and on which ports to run; a port of 0 picks a free one. A service given a gRPC port serves HTTP 1000
     * below it and its management interface 910 below it (router 9100, 8100 and 8190, audit 9400, 8400 and 8490, as
     * deployed); decoder and solution always get free ports.
     *
     * @param meshRoot the repository checkout (holds triton/ and the built modules)
     * @param workDir logs and data; PostgreSQL's data and the router's audit spool survive restarts there
     * @param models the Triton models to load
     * @param tiersFile the router's tier file; it is re-read every second, so tests may edit a copy
     * @param serviceJvmOptions extra JVM options for every service process (e.g. a flight recording)
     * @param serviceConfig configuration given to every service (e.g. where to export traces)
     */
    public record Options(
            Path meshRoot,
            Path workDir,
            int routerPort,
            int auditPort,
            int tritonPort,
            int kafkaPort,
            int postgresPort,
            List<String> models,
            Path tiersFile,
            List<String> serviceJvmOptions,
            Map<String, String> serviceConfig) {

        /** The tier file the project ships, no extra JVM options or configuration. */
        public Options(
                Path meshRoot,
                Path workDir,
                int routerPort,
                int auditPort,
                int tritonPort,
                int kafkaPort,
                int postgresPort,
                List<String> models) {
            this(
                    meshRoot,
                    workDir,
                    routerPort,
                    auditPort,
                    tritonPort,
                    kafkaPort,
                    postgresPort,
                    models,
                    shippedTiers(meshRoot),
                    List.of(),
                    Map.of());
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
            return new Options(
                    meshRoot,
                    workDir,
                    routerPort,
                    auditPort,
                    tritonPort,
                    kafkaPort,
                    postgresPort,
                    models,
                    file,
                    serviceJvmOptions,
                    serviceConfig);
        }

        public Options withServiceJvmOptions(List<String> options) {
            return new Options(
                    meshRoot,
                    workDir,
                    routerPort,
                    auditPort,
                    tritonPort,
                    kafkaPort,
                    postgresPort,
                    models,
                    tiersFile,
                    List.copyOf(options),
                    serviceConfig);
        }

        /** The same options, every service also configured with {@code config}. */
        public Options withServiceConfig(Map<String, String> config) {
            Map<String, String> merged = new LinkedHashMap<>(serviceConfig);
            merged.putAll(config);
            return new Options(
                    meshRoot,
                    workDir,
                    routerPort,
                    auditPort,
                    tritonPort,
                    kafkaPort,
                    postgresPort,
                    models,
                    tiersFile,
                    serviceJvmOptions,
                    Map.copyOf(merged));
        }
    }

    /**
     * audit-service's chain key (signs its retention checkpoints and chain anchors), generated once per work
     * directory and kept, so that the chains stored in its PostgreSQL keep verifying across restarts.
     */
    public static final String CHAIN_KEY_FILE = "audit-chain-key";
    /** {@code router.shared.replica-id} of the router every mesh starts; {@link #startRouterReplica} adds others. */
    public static final String FIRST_ROUTER = "router-0";

    /** Where the compliance officer's API key of a local mesh is written (and read by ./mesh audit). */
    public static final String AUDIT_KEY_FILE = "audit-api-key";

    private final List<AutoCloseable> started = new ArrayList<>();
    /** Running services by name: the module's, or a router replica's ({@link #startRouterReplica}). */
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    /** How each service was started, to start it again after a kill. */
    private final Map<String, Launch> launches = new LinkedHashMap<>();

    /** A service's module, where it logs, and its configuration. */
    private record Launch(String module, Path logDir, Map<String, String> config) {}

    private Options options;
    private Path logs;
    private EmbeddedKafka kafka;
    private PostgresProcess postgres;
    private TritonProcess triton;
    /** The review console's sign-in provider, once {@link #startSignIn} ran. */
    private KeycloakProcess keycloak;
    /** Why {@link #startSignIn} failed, for {@link #endpoints()}; null when it did not. */
    private String signInProblem;

    private String auditApiKey;
    /** The router's key on audit-service (role continuation). */
    private String routerAuditApiKey;

    /**
     * Stops the mesh when this JVM is stopped (SIGTERM, Ctrl-C) before {@link #close}: Triton, PostgreSQL and the
     * services are processes of their own, stopped in order here (their parent-death signals would stop them all at
     * once, when this JVM is gone).
     */
    private final Thread stopOnExit = new Thread(this::close, "local-mesh-stop");

    private LocalMesh() {}

    public static LocalMesh start(Options options) {
        LocalMesh mesh = new LocalMesh();
        Runtime.getRuntime().addShutdownHook(mesh.stopOnExit);
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
        postgres = track(PostgresProcess.start(
                o.workDir().resolve("postgres"), logs.resolve("postgres.log"), o.postgresPort(), "audit"));
        triton = track(TritonProcess.start(
                o.meshRoot(),
                o.workDir().resolve("triton"),
                logs.resolve("tritonserver.log"),
                o.tritonPort(),
                o.models()));
        Map<String, String> tritonClient = Map.of(
                "quarkus.grpc.clients.triton.host", "127.0.0.1",
                "quarkus.grpc.clients.triton.port", String.valueOf(triton.grpcPort()),
                "mesh.inference.readiness-models", String.join(",", o.models()));
        ServiceProcess decoder = service("decoder-service", 0, tritonClient);
        ServiceProcess solution = service("solution-service", 0, tritonClient);
        Path principals = writeAuditPrincipals(o.workDir());
        Map<String, String> auditConfig = new LinkedHashMap<>(postgres.auditServiceConfig());
        auditConfig.putAll(Map.of(
                "audit.principals-file", principals.toString(),
                "kafka.bootstrap.servers", kafka.bootstrapServers(),
                "audit.chain-key-file", chainKey(o.workDir()).toString(),
                // Back soon after a database restart in the tests (production: up to 30 s between attempts).
                "audit.store-retry.max-backoff", "2s"));
        ServiceProcess audit = service("audit-service", o.auditPort(), auditConfig);
        Map<String, String> routerConfig = new LinkedHashMap<>(
                // Tenants' quotas leased from the shared store, as with several replicas in Kubernetes.
                postgres.routerSharedConfig("router", logs.resolve("postgres.log")));
        routerConfig.putAll(Map.ofEntries(
                Map.entry("router.tiers-file", o.tiersFile().toString()),
                Map.entry("router.shared.replica-id", FIRST_ROUTER),
                // A killed replica drops out of the concurrency split within seconds, not the production 10 s.
                Map.entry("router.shared.heartbeat-interval", "1s"),
                Map.entry("router.shared.replica-ttl", "3s"),
                Map.entry("router.tiers-reload-interval", "1s"),
                Map.entry("quarkus.grpc.clients.decoder.host", "127.0.0.1"),
                Map.entry("quarkus.grpc.clients.decoder.port", String.valueOf(decoder.grpcPort())),
                Map.entry("quarkus.grpc.clients.solution.host", "127.0.0.1"),
                Map.entry("quarkus.grpc.clients.solution.port", String.valueOf(solution.grpcPort())),
                // Continuation of a request the router does not hold reads it from audit-service.
                Map.entry("quarkus.grpc.clients.audit.host", "127.0.0.1"),
                Map.entry("quarkus.grpc.clients.audit.port", String.valueOf(audit.grpcPort())),
                Map.entry("router.continuation.audit-api-key", routerAuditApiKey),
                Map.entry("kafka.bootstrap.servers", kafka.bootstrapServers()),
                Map.entry(
                        "router.audit.spool-dir",
                        o.workDir().resolve("router-audit-spool").toString()),
                // Loopback answers at once: a broker silent for 2 s is down, and audit events wait in the
                // spool,
                // retried at most every 2 s so that a test sees them delivered soon after the broker is back.
                Map.entry("router.audit.send-timeout", "2s"),
                Map.entry("router.audit.retry-backoff", "500ms"),
                Map.entry("router.audit.retry-backoff-max", "2s"),
                // Below the 20 s a stopped service gets before it is killed.
                Map.entry("router.audit.drain-timeout", "10s")));
        service("budget-router", o.routerPort(), routerConfig);
    }

    /**
     * A service on {@code grpcPort}, HTTP 1000 below it and management 910 below it (./mesh up's 9100/8100/8190 …), or
     * all free when 0.
     */
    private ServiceProcess service(String module, int grpcPort, Map<String, String> config) {
        Map<String, String> merged = new LinkedHashMap<>(options.serviceConfig());
        merged.putAll(config);
        return grpcPort == 0
                ? launch(module, new Launch(module, logs, merged), 0, 0, 0)
                : launch(module, new Launch(module, logs, merged), grpcPort, grpcPort - 1000, grpcPort - 910);
    }

    private ServiceProcess launch(String name, Launch launch, int grpcPort, int httpPort, int managementPort) {
        ServiceProcess process = track(ServiceProcess.start(
                options.meshRoot(),
                launch.module(),
                grpcPort,
                httpPort,
                managementPort,
                launch.logDir(),
                options.serviceJvmOptions(),
                launch.config()));
        launches.put(name, launch);
        services.put(name, process);
        return process;
    }

    /**
     * Starts one more budget-router process, a replica of the first as the StatefulSet runs them: the same
     * downstream services, Kafka and router database (so quotas, concurrency and model speeds are shared), its own
     * ports, {@code router.shared.replica-id}, audit spool directory and log directory ({@code logs/<replicaId>}).
     * Returns once it is ready.
     *
     * @param overrides configuration that differs from the first router's, e.g. {@code router.shared.jdbc-url} empty
     *     for a router that shares nothing
     * @return its name for {@link #killService}, {@link #startService}, {@link #grpcPort}, {@link #httpPort} and
     *     {@link #managementPort}
     */
    public String startRouterReplica(String replicaId, Map<String, String> overrides) {
        String name = "budget-router@" + replicaId;
        Map<String, String> config =
                new LinkedHashMap<>(launches.get("budget-router").config());
        config.put("router.shared.replica-id", replicaId);
        config.put(
                "router.audit.spool-dir",
                options.workDir().resolve("router-audit-spool-" + replicaId).toString());
        config.putAll(overrides);
        launch(name, new Launch("budget-router", logs.resolve(replicaId), config), 0, 0, 0);
        return name;
    }

    private ServiceProcess process(String module) {
        ServiceProcess service = services.get(module);
        if (service == null) {
            throw new IllegalArgumentException("no service '" + module + "'; services: " + services.keySet());
        }
        return service;
    }

    /** The log of a service, by its name (the module's, or a router replica's). */
    public Path logFile(String name) {
        process(name);
        Launch launch = launches.get(name);
        return launch.logDir().resolve(launch.module() + ".log");
    }

    /** A service's HTTP port for clients: budget-router's OpenAI-compatible API, audit-service's review console. */
    public int httpPort(String module) {
        return process(module).httpPort();
    }

    /** Where a service serves {@code /q/health} and {@code /q/metrics} (its management interface). */
    public int managementPort(String module) {
        return process(module).managementPort();
    }

    /**
     * Stops a service gracefully (SIGTERM, Quarkus' shutdown: a router replica leaves the live replicas), within 30
     * seconds; {@link #startService} brings it back.
     */
    public void stopService(String name) {
        process(name).close();
    }

    /** {@code kill -9} of a service, as a crash; {@link #startService} brings it back. */
    public void killService(String module) {
        process(module).kill();
    }

    /**
     * Starts a service again after {@link #killService} (or stops it first when it runs), on the same gRPC port with
     * the configuration it was started with plus {@code overrides}; returns once it is ready.
     */
    public void startService(String name, Map<String, String> overrides) {
        ServiceProcess old = process(name);
        old.close();
        started.remove(old);
        Launch launch = launches.get(name);
        Map<String, String> config = new LinkedHashMap<>(launch.config());
        config.putAll(overrides);
        launch(
                name,
                new Launch(launch.module(), launch.logDir(), config),
                old.grpcPort(),
                old.httpPort(),
                old.managementPort());
        // The overrides are this start's only: the next start is from the configuration the service was started with.
        launches.put(name, launch);
    }

    /** Where a service serves gRPC (decoder and solution listen on free ports). */
    public int grpcPort(String module) {
        httpPort(module);
        return services.get(module).grpcPort();
    }

    /**
     * A principals file with one compliance officer (every tenant) whose fresh API key is written beside it, for the
     * tests and ./mesh audit, and the router's principal (role continuation), whose key the router is given.
     */
    private Path writeAuditPrincipals(Path workDir) {
        auditApiKey = UUID.randomUUID().toString();
        routerAuditApiKey = UUID.randomUUID().toString();
        Path principals = workDir.resolve("audit-principals.yaml");
        try {
            Files.createDirectories(workDir);
            Files.writeString(
                    principals, """
                    # Written by LocalMesh at each start; the key is in %s.
                    principals:
                      - name: local-compliance-officer
                        tenant: local
                        roles: [compliance]
                        api-key-sha256: "%s"
                      - name: local-budget-router
                        tenant: local
                        roles: [continuation]
                        api-key-sha256: "%s"
                    """.formatted(AUDIT_KEY_FILE, HashKey.of(auditApiKey), HashKey.of(routerAuditApiKey)));
            Files.writeString(workDir.resolve(AUDIT_KEY_FILE), auditApiKey + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + principals, e);
        }
        return principals;
    }

    private static Path chainKey(Path workDir) {
        Path file = workDir.resolve(CHAIN_KEY_FILE);
        try {
            if (!Files.exists(file)) {
                byte[] key = new byte[32];
                new SecureRandom().nextBytes(key);
                Files.createDirectories(workDir);
                Files.writeString(file, Base64.getEncoder().encodeToString(key) + "\n");
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    private <T extends AutoCloseable> T track(T component) {
        started.add(component);
        return component;
    }

    public int routerPort() {
        return process("budget-router").grpcPort();
    }

    /** Triton's gRPC port, for tests that call the model directly. */
    public int tritonPort() {
        return triton.grpcPort();
    }

    public int auditPort() {
        return process("audit-service").grpcPort();
    }

    /** Triton's launcher process id (the server and its model stubs run below it). */
    public long tritonPid() {
        return triton.pid();
    }

    /** The operating-system process id of each service, by module name, e.g. to read its resident memory. */
    public Map<String, Long> servicePids() {
        Map<String, Long> pids = new LinkedHashMap<>();
        for (String module : List.of("budget-router", "decoder-service", "solution-service", "audit-service")) {
            pids.put(module, process(module).pid());
        }
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

    /**
     * Starts Keycloak with the realm the project ships and restarts audit-service signing its review console's
     * people in there (OpenID Connect); returns once both are ready. Nothing happens when it already ran.
     *
     * @param port Keycloak's HTTP port; 0 picks a free one
     */
    public void startSignIn(int port) {
        if (keycloak != null) {
            return;
        }
        keycloak =
                track(KeycloakProcess.start(options.workDir().resolve("keycloak"), logs.resolve("keycloak.log"), port));
        Launch audit = launches.get("audit-service");
        Map<String, String> config = new LinkedHashMap<>(audit.config());
        config.putAll(keycloak.auditServiceConfig());
        // The console's "think more" asks the router to continue a request.
        config.put("quarkus.grpc.clients.router.host", "127.0.0.1");
        config.put("quarkus.grpc.clients.router.port", String.valueOf(routerPort()));
        // Every later start of audit-service (restartAudit, startService) signs the console's people in too.
        launches.put("audit-service", new Launch(audit.module(), audit.logDir(), config));
        startService("audit-service", Map.of());
    }

    /** The Keycloak {@link #startSignIn} started. */
    public KeycloakProcess keycloak() {
        if (keycloak == null) {
            throw new IllegalStateException("no Keycloak: startSignIn first");
        }
        return keycloak;
    }

    /** PostgreSQL's port (databases audit and router). */
    public int postgresPort() {
        return postgres.port();
    }

    /** JDBC URL of the audit database; user {@link PostgresProcess#USER} (its owner), no password. */
    public String auditJdbcUrl() {
        return postgres.jdbcUrl();
    }

    /** The review console's address (audit-service's HTTP port). */
    public String consoleUrl() {
        return "http://127.0.0.1:" + httpPort("audit-service") + "/console";
    }

    /** Stops audit-service and starts it again on the same port and database. */
    public void restartAudit() {
        startService("audit-service", Map.of());
    }

    /** Immediate shutdown of PostgreSQL, as a crash; {@link #startPostgres()} brings it back. */
    public void crashPostgres() {
        postgres.crash();
    }

    /** Starts PostgreSQL again on the same port and data (it recovers from its write-ahead log). */
    public void startPostgres() {
        started.remove(postgres);
        postgres = PostgresProcess.start(
                options.workDir().resolve("postgres"), logs.resolve("postgres.log"), postgres.port(), "audit");
        // Stopped after the services, as at the first start.
        started.add(1, postgres);
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
        triton = track(TritonProcess.start(
                options.meshRoot(),
                options.workDir().resolve("triton"),
                logs.resolve("tritonserver.log"),
                triton.grpcPort(),
                options.models()));
    }

    @Override
    public synchronized void close() {
        if (Thread.currentThread() != stopOnExit) {
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
            } catch (IllegalStateException exiting) {
                // The JVM is stopping: the hook runs this once more and finds nothing left to stop.
            }
        }
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

    /** Every endpoint of the running mesh, one per line, as {@code ./mesh up} prints them. */
    public String endpoints() {
        StringBuilder out = new StringBuilder();
        services.forEach((module, service) ->
                out.append("%-17s gRPC 127.0.0.1:%-6d HTTP 127.0.0.1:%-6d management 127.0.0.1:%d%n"
                        .formatted(module, service.grpcPort(), service.httpPort(), service.managementPort())));
        out.append("%-17s http://127.0.0.1:%d/v1 (budget-router's HTTP port)%n"
                .formatted("OpenAI-compatible", services.get("budget-router").httpPort()));
        out.append("%-17s gRPC 127.0.0.1:%d%n".formatted("triton", triton.grpcPort()));
        out.append("%-17s %s%n".formatted("kafka", kafka.bootstrapServers()));
        out.append("%-17s 127.0.0.1:%d databases audit and router, user %s%n"
                .formatted("postgresql", postgres.port(), PostgresProcess.USER));
        out.append("%-17s %s%n".formatted("audit API key", options.workDir().resolve(AUDIT_KEY_FILE)));
        if (keycloak != null) {
            out.append("%-17s %s (sign in at Keycloak %s)%n"
                    .formatted("review console", consoleUrl(), keycloak.realmUrl()));
            for (KeycloakProcess.User user :
                    List.of(KeycloakProcess.REVIEWER, KeycloakProcess.AUDITOR, KeycloakProcess.COMPLIANCE)) {
                out.append("%-17s user %s, password %s (%s, tenant %s)%n"
                        .formatted("", user.name(), user.password(), user.role(), user.tenant()));
            }
        } else {
            out.append("%-17s %s: no sign-in (Keycloak %s is not in %s; ./mesh setup fetches it)%n"
                    .formatted(
                            "review console", consoleUrl(), KeycloakProcess.VERSION, KeycloakProcess.distribution()));
        }
        out.append("%-17s %s%n".formatted("logs", logs));
        return out.toString();
    }

    /**
     * {@code ./mesh up}: runs the mesh on its default ports until this process is stopped; once it is ready, writes
     * its endpoints to {@code .mesh/ready}, which the script waits for and prints.
     */
    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getenv().getOrDefault("MESH_ROOT", "."))
                .toAbsolutePath()
                .normalize();
        Path work = root.resolve(".mesh");
        Options options = new Options(root, work, 9100, 9400, 8001, 19092, 15432, List.of("smollm2", "scripted"));
        LocalMesh mesh = start(options);
        try {
            mesh.startSignIn(8480);
        } catch (RuntimeException e) {
            // The mesh serves without the console's sign-in; endpoints() says why.
            mesh.signInProblem = e.getMessage();
        }
        String ready = "MESH READY\n" + mesh.endpoints();
        Path partial = work.resolve("ready.partial");
        Files.writeString(partial, ready);
        Files.move(partial, work.resolve("ready"), StandardCopyOption.ATOMIC_MOVE);
        System.out.print(ready);
        Thread.currentThread().join();
    }
}
