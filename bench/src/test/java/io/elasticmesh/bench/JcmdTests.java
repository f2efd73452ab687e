package io.elasticmesh.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elasticmesh.bench.FlightRecordingsTests.Spin;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** jcmd against a JVM that answers, and against one that has stopped answering mid-run. */
class JcmdTests {

    @Test
    void aJvmThatStopsAnsweringFailsTheCallAtTheDeadlineInsteadOfHangingTheRun() throws Exception {
        Process spin = Spin.start(List.of());
        try {
            // the first call starts the JVM's attach listener; a later call connects to its socket even when stopped
            assertThat(Jcmd.run("spin", spin.pid(), "VM.version")).contains("OpenJDK");
            signal("STOP", spin.pid());

            long start = System.nanoTime();
            assertThatThrownBy(() -> Jcmd.run(Duration.ofSeconds(2), "spin", spin.pid(), "VM.version"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("spin: ")
                    .hasMessageContaining(spin.pid() + " VM.version did not finish within 2 s");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Jcmd.DEADLINE);
        } finally {
            signal("CONT", spin.pid());
            spin.destroyForcibly();
        }
    }

    private static void signal(String name, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(pid)).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }
}
