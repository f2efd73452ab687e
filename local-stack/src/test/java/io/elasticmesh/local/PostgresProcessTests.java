package io.elasticmesh.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server started from a checkout in a private directory (mode 700, like root's home or any
 * {@code mktemp -d}): as root, PostgreSQL runs as the postgres user, who cannot enter such a directory.
 */
class PostgresProcessTests {

    @TempDir
    Path tmp;

    @Test
    void aClusterInAPrivateDirectoryStartsKeepsItsDataAcrossRestartsAndIsDeletedWithIt() throws Exception {
        Path home = privateHome();
        Path cluster = home.resolve("checkout/.mesh/postgres");
        Path log = home.resolve("checkout/.mesh/logs/postgres.log");
        try (PostgresProcess first = PostgresProcess.start(cluster, log, 0, "audit")) {
            psql(first, "CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)");
        }
        Path relocated = cluster.toRealPath();
        if (PostgresProcess.root()) {
            assertThat(relocated).startsWith(PostgresDataDirectory.BASE);
            assertThat(Files.getOwner(relocated).getName()).isEqualTo("postgres");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(relocated)))
                    .isEqualTo("rwx------");
        }
        try (PostgresProcess again = PostgresProcess.start(cluster, log, 0, "audit")) {
            assertThat(psql(again, "SELECT v FROM kept")).isEqualTo("42");
        }

        PostgresDataDirectory.delete(cluster);

        assertThat(Files.exists(cluster, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(relocated).doesNotExist();
    }

    @Test
    void aRelocatedClusterWhoseCheckoutWasDeletedIsCollectedByTheNextStart() throws Exception {
        Path home = privateHome();
        Path checkout = home.resolve("checkout");
        Path cluster = checkout.resolve(".mesh/postgres");
        Path log = home.resolve("postgres.log");
        PostgresProcess.start(cluster, log, 0, "audit").close();
        Path relocated = cluster.toRealPath();
        Directories.deleteRecursively(checkout); // as rm -r does: the link goes, what it points to stays

        Path other = home.resolve("other/postgres");
        try (PostgresProcess next = PostgresProcess.start(other, log, 0, "audit")) {
            assertThat(psql(next, "SELECT 1")).isEqualTo("1");
        } finally {
            PostgresDataDirectory.delete(other);
        }

        assertThat(relocated).doesNotExist();
    }

    @Test
    void aServerAnEarlierRunLeftOnTheClusterIsStoppedByTheNextStart() throws Exception {
        Path cluster = privateHome().resolve("postgres");
        Path log = tmp.resolve("postgres.log");
        PostgresProcess.start(cluster, log, 0, "audit").close();
        Path dataDir = cluster.toRealPath();
        int port = Ports.free();
        // A server no JVM holds: started from a shell that has exited, as one whose JVM died untied would be.
        new ProcessBuilder(PostgresProcess.asServerUser(List.of(
                        "sh",
                        "-c",
                        "\"$0\" -D \"$1\" -p \"$2\" -c listen_addresses=127.0.0.1 -c unix_socket_directories= "
                                + ">/dev/null 2>&1 &",
                        PostgresProcess.binaries().resolve("postgres").toString(),
                        dataDir.toString(),
                        String.valueOf(port))))
                .start()
                .waitFor();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!StarterJvm.listening(port)) {
            assertThat(Instant.now()).as("the left server listens").isBefore(deadline);
            Thread.sleep(100);
        }
        ProcessHandle left = ProcessHandle.of(Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid"))
                        .get(0)
                        .strip()))
                .orElseThrow();
        try (PostgresProcess next = PostgresProcess.start(cluster, log, 0, "audit")) {
            assertThat(psql(next, "SELECT 1")).isEqualTo("1");
            assertThat(left.isAlive()).as("the server the earlier run left").isFalse();
            assertThat(StarterJvm.listening(port)).isFalse();
        } finally {
            left.destroyForcibly();
            PostgresDataDirectory.delete(cluster);
        }
    }

    /** A directory only its owner may enter, like root's home or {@code mktemp -d}. */
    private Path privateHome() throws IOException {
        return Files.createDirectory(
                tmp.resolve("home"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    private static String psql(PostgresProcess server, String sql) throws IOException, InterruptedException {
        Process psql = new ProcessBuilder(
                        PostgresProcess.binaries().resolve("psql").toString(),
                        "-h",
                        "127.0.0.1",
                        "-p",
                        String.valueOf(server.port()),
                        "-U",
                        PostgresProcess.USER,
                        "-d",
                        "audit",
                        "-v",
                        "ON_ERROR_STOP=1",
                        "-tAc",
                        sql)
                .redirectErrorStream(true)
                .start();
        String out = new String(psql.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(psql.waitFor()).as(out).isZero();
        return out;
    }
}
