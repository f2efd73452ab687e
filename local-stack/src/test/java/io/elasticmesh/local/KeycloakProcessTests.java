package io.elasticmesh.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Keycloak, from the distribution {@code ./mesh setup} unpacks, against the death of the JVM that started it. */
class KeycloakProcessTests {

    @Test
    void keycloakStopsWhenTheJvmThatStartedItIsKilledWithSigkillAfterItStarted() throws Exception {
        killTheStarter(true);
    }

    @Test
    void keycloakStopsWhenTheJvmThatStartedItIsKilledWithSigkillWhileItStarts() throws Exception {
        killTheStarter(false);
    }

    /**
     * Starts Keycloak in a holder JVM, kills that JVM with SIGKILL (no shutdown hook, no close()) once Keycloak is
     * ready, or once Keycloak's own JVM runs but before it is ready, and expects every process of Keycloak to end.
     */
    private static void killTheStarter(boolean ready) throws Exception {
        Path work = Files.createTempDirectory("keycloak-orphan");
        Path log = work.resolve("keycloak.log");
        Process holder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        KeycloakHolder.class.getName(),
                        work.resolve("keycloak").toString(),
                        log.toString())
                .redirectErrorStream(true)
                .start();
        List<ProcessHandle> keycloak = List.of();
        try {
            int port = 0;
            if (ready) {
                port = awaitReady(holder, log);
                assertThat(listening(port)).isTrue();
            } else {
                awaitKeycloaksJvm(holder);
            }
            keycloak = holder.descendants().toList();
            assertThat(keycloak).as("kc.sh and Keycloak's JVM").hasSizeGreaterThanOrEqualTo(2);

            holder.destroyForcibly();
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();

            // Keycloak shuts down on the TERM the kernel sent kc.sh; bounded by its own graceful shutdown.
            Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
            while (keycloak.stream().anyMatch(ProcessHandle::isAlive)
                    && Instant.now().isBefore(deadline)) {
                Thread.sleep(500);
            }
            assertThat(keycloak)
                    .as("Keycloak's processes after its starter was killed; see %s", log)
                    .noneMatch(ProcessHandle::isAlive);
            if (ready) {
                assertThat(listening(port)).isFalse();
            }
        } finally {
            holder.descendants().forEach(ProcessHandle::destroyForcibly);
            keycloak.forEach(ProcessHandle::destroyForcibly);
            holder.destroyForcibly();
            Directories.deleteRecursively(work);
        }
    }

    /** Waits until kc.sh has started Keycloak's JVM (a java process below the holder's kc.sh). */
    private static void awaitKeycloaksJvm(Process holder) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (holder.descendants()
                .noneMatch(p -> p.parent()
                                .map(parent -> parent.pid() != holder.pid())
                                .orElse(false)
                        && p.info().command().map(c -> c.endsWith("/java")).orElse(false))) {
            assertThat(holder.isAlive()).as("the holder JVM is alive").isTrue();
            assertThat(Instant.now()).as("Keycloak's JVM started").isBefore(deadline);
            Thread.sleep(100);
        }
    }

    /** The holder's {@code READY port} line; Keycloak's first start can take minutes. */
    private static int awaitReady(Process holder, Path log) throws Exception {
        CompletableFuture<Integer> ready = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("READY ")) {
                        return Integer.parseInt(
                                line.substring("READY ".length()).strip());
                    }
                }
            } catch (IOException e) {
                // The holder ended.
            }
            throw new IllegalStateException("the holder JVM ended before Keycloak was ready; see " + log);
        });
        return ready.get(7, TimeUnit.MINUTES);
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
