package io.elasticmesh.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Debian's PostgreSQL server ({@code apt-get install postgresql}) run from a data directory of our own, on
 * loopback TCP only, as a child process: {@code initdb} once, then {@code postgres} in the foreground, stopped with
 * {@code pg_ctl stop -m fast}.
 *
 * <p>PostgreSQL refuses to run as root. When this JVM is root (CI, containers), both commands run as the
 * {@code postgres} system user that the Debian package creates, through {@code setpriv} (util-linux), which
 * execs the server in place so the child process is the server itself; the data directory is handed to that user,
 * and placed where that user can reach it ({@link PostgresDataDirectory}). As any other user they run directly.
 *
 * <p>The server stops (SIGINT, its fast shutdown) when the JVM that started it dies, however it dies. A server an
 * earlier run left on the data directory anyway (its JVM gone) is stopped at the next start, which says so.
 */
public final class PostgresProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** The superuser initdb creates; local trust authentication on loopback, nothing listens elsewhere. */
    public static final String USER = "mesh";
    /** audit-service's own role, which its migrations create: it may insert and read events, not change them. */
    public static final String AUDIT_SERVICE_USER = "audit_service";
    /** Trust authentication ignores passwords, but Flyway's own connection needs one to be set. */
    private static final String TRUSTED = "ignored-under-trust-authentication";

    private final Process process;
    private final Path bin;
    private final Path dataDir;
    private final int port;
    private final String database;

    private PostgresProcess(Process process, Path bin, Path dataDir, int port, String database) {
        this.process = process;
        this.bin = bin;
        this.dataDir = dataDir;
        this.port = port;
        this.database = database;
    }

    /**
     * Starts the server on {@code port} (0 picks a free one) with {@code database} created; blocks until it accepts
     * connections. A data directory left by an earlier run is reused, so data survives restarts.
     *
     * @param cluster the cluster's directory (created and initialised when missing)
     * @param log the server's log file
     */
    public static PostgresProcess start(Path cluster, Path log, int port, String database) {
        Path bin = binaries();
        int chosen = port == 0 ? Ports.free() : port;
        try {
            Files.createDirectories(log.getParent());
            Path dataDir = PostgresDataDirectory.place(cluster);
            if (!Files.exists(dataDir.resolve("PG_VERSION"))) {
                initialise(bin, dataDir, log);
            }
            stopLeftover(bin, dataDir, log);
            // SIGINT is the fast shutdown (SIGTERM waits for clients to leave): a JVM killed with -9 leaves no
            // server behind, and its data directory free for the next start.
            ProcessBuilder builder = new ProcessBuilder(List.of(
                            bin.resolve("postgres").toString(),
                            "-D",
                            dataDir.toString(),
                            "-p",
                            String.valueOf(chosen),
                            "-c",
                            "listen_addresses=127.0.0.1",
                            "-c",
                            "unix_socket_directories=",
                            "-c",
                            "fsync=on",
                            "-c",
                            "max_connections=50"))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            Process process = Processes.startTiedToThisJvm(builder, "INT", serverUserOptions());
            PostgresProcess server = new PostgresProcess(process, bin, dataDir, chosen, database);
            server.awaitReady(log);
            server.createDatabase(database, log);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start PostgreSQL in " + cluster, e);
        }
    }

    /** The newest server installed under /usr/lib/postgresql, or MESH_PG_BIN. */
    static Path binaries() {
        String explicit = System.getenv("MESH_PG_BIN");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("postgres")))
                    .max(Comparator.comparingInt(
                            b -> Integer.parseInt(b.getParent().getFileName().toString())))
                    .orElseThrow();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("PostgreSQL server not found under /usr/lib/postgresql: install it with "
                    + "'apt-get install postgresql' (./mesh setup does), or set MESH_PG_BIN to its bin directory");
        }
    }

    static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    static List<String> asServerUser(List<String> command) {
        if (!root()) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("setpriv"));
        wrapped.addAll(serverUserOptions());
        wrapped.add("--");
        wrapped.addAll(command);
        return wrapped;
    }

    /** The setpriv options that run a command as the {@code postgres} user when this JVM is root; none otherwise. */
    private static List<String> serverUserOptions() {
        return root() ? List.of("--reuid=postgres", "--regid=postgres", "--init-groups") : List.of();
    }

    /**
     * Stops a server an earlier run left on {@code dataDir} (fast shutdown), which would make this start fail with
     * "lock file postmaster.pid already exists". A server whose parent is still a running JVM belongs to a mesh that
     * runs on the same work directory: that one is refused, not stopped. A postmaster.pid whose process is gone is
     * PostgreSQL's own to replace.
     */
    private static void stopLeftover(Path bin, Path dataDir, Path log) throws IOException {
        Path lock = dataDir.resolve("postmaster.pid");
        Optional<ProcessHandle> server = Files.exists(lock)
                ? Files.readAllLines(lock).stream()
                        .findFirst()
                        .filter(line -> line.strip().matches("\\d+"))
                        .flatMap(line -> ProcessHandle.of(Long.parseLong(line.strip())))
                        .filter(ProcessHandle::isAlive)
                : Optional.empty();
        if (server.isEmpty()) {
            return;
        }
        long pid = server.get().pid();
        Optional<ProcessHandle> owner = server.get()
                .parent()
                .filter(parent -> parent.info().command().orElse("").endsWith("/java"));
        if (owner.isPresent()) {
            throw new IllegalStateException("PostgreSQL (pid " + pid + ") of another mesh, the JVM with pid "
                    + owner.get().pid() + ", runs on " + dataDir + ": stop that mesh, or give this one its own work "
                    + "directory");
        }
        System.err.println("stopping PostgreSQL (pid " + pid + ") that an earlier run left on " + dataDir);
        run(
                asServerUser(List.of(
                        bin.resolve("pg_ctl").toString(), "stop", "-D", dataDir.toString(), "-m", "fast", "-w")),
                log,
                "pg_ctl stop of the server an earlier run left (pid " + pid + ")");
        try {
            // pg_ctl returns once the lock file is gone; the server's port is free once it has exited.
            server.get().onExit().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping PostgreSQL (pid " + pid + ")", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("PostgreSQL (pid " + pid + ") that an earlier run left did not exit within "
                    + "30 s of its fast shutdown; stop it (kill -INT " + pid + ") and start again");
        }
    }

    private static void initialise(Path bin, Path dataDir, Path log) throws IOException {
        Files.createDirectories(dataDir);
        if (root()) {
            UserPrincipalLookupService users = dataDir.getFileSystem().getUserPrincipalLookupService();
            PosixFileAttributeView owner = Files.getFileAttributeView(dataDir, PosixFileAttributeView.class);
            owner.setOwner(users.lookupPrincipalByName("postgres"));
            GroupPrincipal group = users.lookupPrincipalByGroupName("postgres");
            owner.setGroup(group);
        }
        run(
                asServerUser(List.of(
                        bin.resolve("initdb").toString(),
                        "-D",
                        dataDir.toString(),
                        "-U",
                        USER,
                        "--auth=trust",
                        "--encoding=UTF8",
                        "--locale=C.UTF-8")),
                log,
                "initdb");
    }

    private static void run(List<String> command, Path log, String what) throws IOException {
        try {
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            int status = p.waitFor();
            if (status != 0) {
                throw new IllegalStateException(what + " exited with " + status + "; see " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + " interrupted", e);
        }
    }

    private void awaitReady(Path log) throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("PostgreSQL exited with " + process.exitValue() + "; see " + log);
            }
            try {
                Process ready = new ProcessBuilder(
                                bin.resolve("pg_isready").toString(),
                                "-q",
                                "-h",
                                "127.0.0.1",
                                "-p",
                                String.valueOf(port))
                        .start();
                if (ready.waitFor() == 0) {
                    return;
                }
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        close();
        throw new IllegalStateException("PostgreSQL not ready after " + START_TIMEOUT + "; see " + log);
    }

    private void createDatabase(String database, Path log) throws IOException {
        Process exists = new ProcessBuilder(
                        bin.resolve("psql").toString(),
                        "-h",
                        "127.0.0.1",
                        "-p",
                        String.valueOf(port),
                        "-U",
                        USER,
                        "-d",
                        "postgres",
                        "-tAc",
                        "SELECT 1 FROM pg_database WHERE datname = '" + database + "'")
                .start();
        String found = new String(exists.getInputStream().readAllBytes()).strip();
        if (!"1".equals(found)) {
            run(
                    List.of(
                            bin.resolve("createdb").toString(),
                            "-h",
                            "127.0.0.1",
                            "-p",
                            String.valueOf(port),
                            "-U",
                            USER,
                            database),
                    log,
                    "createdb");
        }
    }

    /**
     * budget-router's coordination settings ({@code router.shared.*}) on {@code database} of this server, created
     * when missing: the router connects as its own role ({@code budget_router}, created by its migrations, which run
     * as {@link #USER}).
     */
    public Map<String, String> routerSharedConfig(String database, Path log) {
        try {
            createDatabase(database, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create database " + database, e);
        }
        return Map.of(
                "router.shared.jdbc-url",
                "jdbc:postgresql://127.0.0.1:" + port + "/" + database,
                "router.shared.migration-username",
                USER,
                "router.shared.migration-password",
                TRUSTED);
    }

    public int port() {
        return port;
    }

    /** JDBC URL of the database; user {@link #USER}, no password. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** audit-service's database settings: it connects as {@link #AUDIT_SERVICE_USER}, migrates as {@link #USER}. */
    public Map<String, String> auditServiceConfig() {
        return Map.of(
                "quarkus.datasource.jdbc.url",
                jdbcUrl(),
                "quarkus.datasource.username",
                AUDIT_SERVICE_USER,
                "quarkus.flyway.username",
                USER,
                "quarkus.flyway.password",
                TRUSTED);
    }

    /** Fast shutdown (open sessions are ended, everything committed is on disk), then waits for the server. */
    @Override
    public void close() {
        stop("fast");
    }

    /**
     * Immediate shutdown, as a crash: every server process quits at once without a checkpoint, and the next start
     * recovers from the write-ahead log. Then waits for the server.
     */
    public void crash() {
        stop("immediate");
    }

    private void stop(String mode) {
        try {
            new ProcessBuilder(asServerUser(List.of(
                            bin.resolve("pg_ctl").toString(), "stop", "-D", dataDir.toString(), "-m", mode, "-w")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start()
                    .waitFor();
        } catch (IOException e) {
            // pg_ctl could not run: fall back to signals
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Processes.stop(process);
    }
}
