package io.elasticmesh.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keycloak, from the distribution {@code ./mesh setup} unpacks: restarted in the same work directory, and against the
 * death of the JVM that started it.
 */
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
     * A rerun in the same work directory (tests run again without {@code clean}, {@code ./mesh up} after a stop)
     * starts with a new admin password: the admin CLI must still be let in, both times.
     */
    @Test
    void theAdminCliWorksAfterARestartInTheSameWorkDirectory() throws Exception {
        Path work = Files.createTempDirectory("keycloak-restart");
        try {
            for (int start = 1; start <= 2; start++) {
                try (KeycloakProcess keycloak = KeycloakProcess.start(work, work.resolve(start + ".log"), 0)) {
                    keycloak.setConsoleTokenLifespan(Duration.ofSeconds(30));
                    keycloak.setConsoleTokenLifespan(null);
                }
            }
        } finally {
            Directories.deleteRecursively(work);
        }
    }

    /**
     * Starts Keycloak in a starter JVM, kills that JVM with SIGKILL (no shutdown hook, no close()) once Keycloak is
     * ready, or once Keycloak's own JVM runs but before it is ready, and expects every process of Keycloak to end.
     */
    private static void killTheStarter(boolean ready) throws Exception {
        Path work = Files.createTempDirectory("keycloak-orphan");
        try (StarterJvm starter = StarterJvm.start(StarterJvm.Stack.KEYCLOAK, Path.of(".."), work)) {
            int port = 0;
            if (ready) {
                // Keycloak's first start can take minutes.
                port = starter.awaitReady(Duration.ofMinutes(7)).get(0);
                assertThat(StarterJvm.listening(port)).isTrue();
            } else {
                awaitKeycloaksJvm(starter.process());
            }

            List<ProcessHandle> keycloak = starter.killWithSigkill();
            assertThat(keycloak).as("kc.sh and Keycloak's JVM").hasSizeGreaterThanOrEqualTo(2);

            // Keycloak shuts down on the TERM the kernel sent kc.sh; bounded by its own graceful shutdown.
            StarterJvm.awaitEnd(keycloak, Duration.ofSeconds(90));
            assertThat(keycloak)
                    .as("Keycloak's processes after its starter was killed; see %s", work)
                    .noneMatch(ProcessHandle::isAlive);
            if (ready) {
                assertThat(StarterJvm.listening(port)).isFalse();
            }
        } finally {
            Directories.deleteRecursively(work);
        }
    }

    /** Waits until kc.sh has started Keycloak's JVM (a java process below the starter's kc.sh). */
    private static void awaitKeycloaksJvm(Process starter) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (starter.descendants()
                .noneMatch(p -> p.parent()
                                .map(parent -> parent.pid() != starter.pid())
                                .orElse(false)
                        && p.info().command().map(c -> c.endsWith("/java")).orElse(false))) {
            assertThat(starter.isAlive()).as("the starter JVM is alive").isTrue();
            assertThat(Instant.now()).as("Keycloak's JVM started").isBefore(deadline);
            Thread.sleep(100);
        }
    }
}
