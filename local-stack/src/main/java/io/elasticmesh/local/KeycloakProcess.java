package io.elasticmesh.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Keycloak, the OpenID Connect provider the review console signs people in at: the server distribution
 * {@code org.keycloak:keycloak-quarkus-dist} from Maven Central, which {@code ./mesh setup} unpacks into
 * {@code $MESH_CACHE/keycloak}, run {@code start-dev} (its embedded file database) on loopback with the realm the
 * project ships imported ({@code keycloak/elastic-mesh-realm.json}: users, roles, the tenant claim, audit-service's
 * client). Keycloak 26 needs Java 21 or newer: {@code KEYCLOAK_JAVA_HOME}, else the newest such JDK in
 * {@code /usr/lib/jvm}. It stops when the JVM that started it dies, however it dies (see {@link #start}).
 */
public final class KeycloakProcess implements AutoCloseable {

    /** The version {@code ./mesh setup} fetches (keep the two the same). */
    public static final String VERSION = "26.5.6";

    public static final String REALM = "elastic-mesh";
    public static final String CLIENT_ID = "audit-service";
    /** The local realm's client secret: a loopback-only development realm, never a deployment's. */
    public static final String CLIENT_SECRET = "local-stack-console-secret";

    /** A person of the shipped realm: sign-in name, password, roles claim, tenant claim. */
    public record User(String name, String password, String role, String tenant) {}

    public static final User COMPLIANCE = new User("carol", "carol-local", "compliance", "compliance");
    public static final User AUDITOR = new User("alice", "alice-local", "auditor", "acme");
    public static final User REVIEWER = new User("rita", "rita-local", "reviewer", "acme");

    /** Its first start builds Keycloak's own Quarkus application, minutes on two busy cores. */
    private static final Duration START_TIMEOUT = Duration.ofMinutes(6);

    private final Process process;
    private final int port;
    private final Path home;
    /** The admin console's password: random per run, known to this object only. */
    private final String adminPassword;

    private KeycloakProcess(Process process, int port, Path home, String adminPassword) {
        this.process = process;
        this.port = port;
        this.home = home;
        this.adminPassword = adminPassword;
    }

    /** Where {@code ./mesh setup} unpacks the distribution. */
    public static Path distribution() {
        return Directories.meshCache().resolve("keycloak").resolve("keycloak-" + VERSION);
    }

    /**
     * Starts Keycloak on {@code port} (0 picks a free one) with the shipped realm; blocks until the realm's OpenID
     * configuration is served.
     *
     * @param workDir Keycloak's home for this run: links to the distribution, and its own data (database, import)
     * @throws IllegalStateException when the distribution or a Java 21+ is missing, or Keycloak does not come up
     */
    public static KeycloakProcess start(Path workDir, Path log, int port) {
        Path dist = distribution();
        if (!Files.isExecutable(dist.resolve("bin/kc.sh"))) {
            throw new IllegalStateException(
                    dist + "/bin/kc.sh not found: ./mesh setup fetches Keycloak " + VERSION + " from Maven Central");
        }
        int httpPort = port == 0 ? Ports.free() : port;
        String adminPassword = UUID.randomUUID().toString();
        try {
            Path home = home(dist, workDir);
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(
                            home.resolve("bin/kc.sh").toString(),
                            "start-dev",
                            "--http-host=127.0.0.1",
                            "--http-port=" + httpPort,
                            "--import-realm")
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment()
                    .putAll(Map.of(
                            "JAVA_HOME",
                            javaHome().toString(),
                            // The admin console's account: local and random, nobody needs it to run the mesh.
                            "KC_BOOTSTRAP_ADMIN_USERNAME",
                            "admin",
                            "KC_BOOTSTRAP_ADMIN_PASSWORD",
                            adminPassword,
                            "JAVA_OPTS_KC_HEAP",
                            "-Xms64m -Xmx768m"));
            // kc.sh forwards TERM to Keycloak's JVM (its child) and waits for it: a JVM killed with -9 while or
            // after Keycloak starts leaves no Keycloak behind.
            KeycloakProcess keycloak =
                    new KeycloakProcess(Processes.startTiedToThisJvm(builder, "TERM"), httpPort, home, adminPassword);
            try {
                keycloak.awaitReady(log);
            } catch (RuntimeException e) {
                keycloak.close();
                throw e;
            }
            return keycloak;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Keycloak from " + dist, e);
        }
    }

    /** The realm's issuer, which audit-service's {@code quarkus.oidc.auth-server-url} names. */
    public String realmUrl() {
        return "http://127.0.0.1:" + port + "/realms/" + REALM;
    }

    public int port() {
        return port;
    }

    /**
     * How long the tokens Keycloak issues audit-service's console from now on live (the client's
     * {@code access.token.lifespan}; the ID token, and so the console's session, ends with the access token), set
     * with Keycloak's admin CLI ({@code kcadm.sh}); {@code null} restores the realm's lifespan.
     */
    public void setConsoleTokenLifespan(Duration lifespan) {
        String id = admin(
                        "get",
                        "clients",
                        "-r",
                        REALM,
                        "-q",
                        "clientId=" + CLIENT_ID,
                        "--fields",
                        "id",
                        "--format",
                        "csv",
                        "--noquotes")
                .strip();
        admin(
                "update",
                "clients/" + id,
                "-r",
                REALM,
                "-s",
                "attributes.\"access.token.lifespan\"=" + (lifespan == null ? "" : lifespan.toSeconds()));
    }

    /** Runs {@code kcadm.sh} as the admin (no config file kept), within a minute; returns its output. */
    private String admin(String... command) {
        List<String> line = new ArrayList<>(List.of(home.resolve("bin/kcadm.sh").toString()));
        line.addAll(List.of(command));
        line.addAll(List.of(
                "--no-config",
                "--server",
                "http://127.0.0.1:" + port,
                "--realm",
                "master",
                "--user",
                "admin",
                "--password",
                adminPassword));
        try {
            // Its answer on stdout, its progress ("Logging into …") and errors on stderr.
            Path out = Files.createTempFile("kcadm", ".out");
            Path err = Files.createTempFile("kcadm", ".err");
            try {
                ProcessBuilder builder =
                        new ProcessBuilder(line).redirectOutput(out.toFile()).redirectError(err.toFile());
                builder.environment().put("JAVA_HOME", javaHome().toString());
                Process p = builder.start();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    Processes.kill(p);
                    throw new IllegalStateException("kcadm.sh " + command[0] + " did not finish within 60 s");
                }
                if (p.exitValue() != 0) {
                    throw new IllegalStateException("kcadm.sh " + command[0] + " " + command[1] + " failed: "
                            + Files.readString(out) + Files.readString(err));
                }
                return Files.readString(out);
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kcadm.sh", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running kcadm.sh", e);
        }
    }

    /** The configuration that signs audit-service's console in at this Keycloak. */
    public Map<String, String> auditServiceConfig() {
        return Map.of(
                "quarkus.oidc.tenant-enabled",
                "true",
                "quarkus.oidc.auth-server-url",
                realmUrl(),
                "quarkus.oidc.client-id",
                CLIENT_ID,
                "quarkus.oidc.credentials.secret",
                CLIENT_SECRET);
    }

    /**
     * A Keycloak home of its own over the one unpacked distribution. Keycloak takes its home from its script's real
     * directory, so {@code bin} is copied (a few small files) and the rest linked.
     *
     * <p>The database (start-dev's H2 files in {@code data/h2}) an earlier start in the same work directory left is
     * removed: Keycloak creates the bootstrap admin, whose password is new each start, only in an empty database,
     * and skips importing a realm it already has, so an old database would refuse the admin CLI and keep a stale realm.
     * The realm file is the source of truth; nothing else in that database needs to outlive a run.
     */
    private static Path home(Path dist, Path workDir) throws IOException {
        Path home = workDir.resolve("home");
        Directories.deleteRecursively(home.resolve("data/h2"));
        Files.createDirectories(home.resolve("data/import"));
        for (String entry : List.of("lib", "conf", "providers", "themes", "version.txt")) {
            Path link = home.resolve(entry);
            if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(link, dist.resolve(entry));
            }
        }
        Path bin = dist.resolve("bin");
        try (Stream<Path> files = Files.walk(bin)) {
            for (Path file : files.toList()) {
                Path copy = home.resolve("bin").resolve(bin.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        try (InputStream realm = KeycloakProcess.class.getResourceAsStream("/keycloak/elastic-mesh-realm.json")) {
            Files.copy(realm, home.resolve("data/import/elastic-mesh-realm.json"), StandardCopyOption.REPLACE_EXISTING);
        }
        return home;
    }

    /** KEYCLOAK_JAVA_HOME, else the JDK in /usr/lib/jvm with the highest major version of at least 21. */
    static Path javaHome() {
        String explicit = System.getenv("KEYCLOAK_JAVA_HOME");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        try (Stream<Path> jdks = Files.list(Path.of("/usr/lib/jvm"))) {
            Optional<Path> newest = jdks.filter(p -> Files.isExecutable(p.resolve("bin/java")))
                    .filter(p -> major(p) >= 21)
                    .max(java.util.Comparator.comparingInt(KeycloakProcess::major));
            return newest.orElseThrow(() -> new IllegalStateException("Keycloak " + VERSION + " needs Java 21 or "
                    + "newer: none in /usr/lib/jvm; set KEYCLOAK_JAVA_HOME to one"));
        } catch (IOException e) {
            throw new IllegalStateException("Keycloak needs Java 21 or newer: cannot list /usr/lib/jvm", e);
        }
    }

    /** The JDK's major version from its {@code release} file; 0 when it has none. */
    private static int major(Path jdk) {
        try {
            for (String line : Files.readAllLines(jdk.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String version = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    return Integer.parseInt(version.split("[.+-]")[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    private void awaitReady(Path log) {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI discovery = URI.create(realmUrl() + "/.well-known/openid-configuration");
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "Keycloak exited (" + process.exitValue() + ") before it was ready; see " + log);
            }
            try {
                HttpResponse<Void> response = http.send(
                        HttpRequest.newBuilder(discovery)
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while Keycloak started", e);
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while Keycloak started", e);
            }
        }
        throw new IllegalStateException("Keycloak not ready after " + START_TIMEOUT + "; see " + log);
    }

    @Override
    public void close() {
        Processes.stop(process);
    }
}
