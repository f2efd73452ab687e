package io.elasticmesh.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The JDK's {@code jcmd}, beside this JVM, run against a service's JVM (same user, the attach mechanism). */
final class Jcmd {

    /** Longer than the attach mechanism's own wait; a JVM that answers nothing by then is taken as hung. */
    static final Duration DEADLINE = Duration.ofSeconds(60);

    private Jcmd() {}

    /**
     * Output of {@code jcmd PID command...} against {@code service}'s JVM, standard error included; empty when
     * interrupted. Failures name the service.
     *
     * @throws IllegalStateException when jcmd has not finished within {@link #DEADLINE} (it is then killed)
     */
    static String run(String service, long pid, String... command) {
        return run(DEADLINE, service, pid, command);
    }

    static String run(Duration deadline, String service, long pid, String... command) {
        List<String> line = new ArrayList<>();
        line.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
        line.add(String.valueOf(pid));
        line.addAll(List.of(command));
        File out = null;
        try {
            // a file, not a pipe: reading a pipe to its end would wait as long as jcmd does
            out = File.createTempFile("jcmd-", ".out");
            Process p = new ProcessBuilder(line)
                    .redirectErrorStream(true)
                    .redirectOutput(out)
                    .start();
            if (!p.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(service + ": " + String.join(" ", line) + " did not finish within "
                        + deadline.toSeconds() + " s");
            }
            return Files.readString(out.toPath(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(service + ": " + String.join(" ", line), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        } finally {
            if (out != null) {
                out.delete();
            }
        }
    }
}
