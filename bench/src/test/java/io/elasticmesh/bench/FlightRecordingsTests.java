package io.elasticmesh.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recorder started by jcmd in a running JVM, as the benchmark does once its memory rows are read. */
class FlightRecordingsTests {

    @Test
    void aRecordingStartedInARunningJvmIsWrittenAtExitAndReadAsAProfile(@TempDir Path dir) throws Exception {
        Process spin = Spin.start(FlightRecordings.JVM_OPTIONS);
        try {
            Map<String, Long> pids = Map.of("spin", spin.pid());

            FlightRecordings.start(dir, pids);
            Thread.sleep(1_500);
            spin.destroy(); // SIGTERM: the JVM's shutdown writes the recording (dumponexit)
            assertThat(spin.waitFor(30, TimeUnit.SECONDS)).isTrue();

            FlightRecordings.Profile profile =
                    FlightRecordings.read(dir, pids, 6).get("spin");
            assertThat(profile).isNotNull();
            assertThat(profile.samples()).isPositive();
            assertThat(profile.meshMethods())
                    .extracting(FlightRecordings.Share::method)
                    .contains(Spin.class.getName() + ".main");
        } finally {
            spin.destroyForcibly();
        }
    }

    @Test
    void aServiceThatCannotStartItsRecordingStopsTheRunWithJcmdsAnswer(@TempDir Path dir) {
        long gone = ProcessHandle.current().pid() + 1_000_000;
        assertThatThrownBy(() -> FlightRecordings.start(dir, Map.of("decoder-service", gone)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("decoder-service did not start its flight recording: ")
                .hasMessageContaining(String.valueOf(gone));
    }

    /** A JVM busy in its own main method until it is stopped. */
    public static final class Spin {

        /** Starts a Spin JVM with these options and returns once it spins. */
        static Process start(List<String> jvmOptions) throws IOException {
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            command.addAll(jvmOptions);
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), Spin.class.getName()));
            Process spin = new ProcessBuilder(command).redirectErrorStream(true).start();
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(spin.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("spinning");
            return spin;
        }

        public static void main(String[] args) {
            System.out.println("spinning");
            System.out.flush();
            long x = 0;
            while (!Thread.currentThread().isInterrupted()) {
                x = x * 31 + System.nanoTime();
                if (x == 42) {
                    System.out.println(x);
                }
            }
        }
    }
}
