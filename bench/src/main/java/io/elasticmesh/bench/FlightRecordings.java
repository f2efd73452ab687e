package io.elasticmesh.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the services spend their CPU: once the resident-memory rows are read, each service starts a flight recording
 * (JFR, a Java-stack sample every 10 ms per running thread; {@code jcmd PID JFR.start}), written when it stops. Of
 * its {@code jdk.ExecutionSample} events, this counts the library of the method on top of the stack (self time:
 * Netty, gRPC, protobuf, the mesh, ...) and the first mesh method on the stack (inclusive time of the mesh's own
 * code).
 */
final class FlightRecordings {

    /** A method and its share of a service's execution samples, in percent. */
    record Share(String method, double percent) {}

    /** Where one service's samples fall. */
    record Profile(long samples, List<Share> selfTimeByLibrary, List<Share> meshMethods) {}

    private static final String MESH_PACKAGE = "io.elasticmesh.";
    /** Generated contract code counts as protobuf / gRPC, not as the mesh's own. */
    private static final String GENERATED_PACKAGE = "io.elasticmesh.proto.";

    private static final Map<String, String> LIBRARIES = libraries();
    private static final Pattern HIDDEN_LAMBDA = Pattern.compile("\\$\\$Lambda.*$");

    private static Map<String, String> libraries() {
        Map<String, String> byPrefix = new LinkedHashMap<>();
        byPrefix.put(GENERATED_PACKAGE, "generated protobuf/gRPC");
        byPrefix.put(MESH_PACKAGE, "mesh code");
        byPrefix.put("io.netty.", "Netty");
        byPrefix.put("io.grpc.", "grpc-java");
        byPrefix.put("com.google.protobuf.", "protobuf");
        byPrefix.put("io.vertx.", "Vert.x");
        byPrefix.put("io.smallrye.", "SmallRye (Mutiny, config, messaging)");
        byPrefix.put("io.quarkus.", "Quarkus");
        byPrefix.put("org.apache.kafka.", "Kafka client");
        byPrefix.put("com.hubspot.jinjava.", "Jinjava (chat template)");
        byPrefix.put("com.fasterxml.jackson.", "Jackson");
        byPrefix.put("org.postgresql.", "PostgreSQL JDBC");
        byPrefix.put("io.agroal.", "Agroal (connection pool)");
        byPrefix.put("io.opentelemetry.", "OpenTelemetry");
        byPrefix.put("java.", "JDK");
        byPrefix.put("javax.", "JDK");
        byPrefix.put("jdk.", "JDK");
        byPrefix.put("sun.", "JDK");
        return byPrefix;
    }

    private FlightRecordings() {}

    /**
     * The recorder's buffers, should a recording start: 2 MB instead of 10. This option alone starts no recorder
     * (NMT shows no "Tracing" memory until one starts).
     */
    static final List<String> JVM_OPTIONS = List.of("-XX:FlightRecorderOptions=memorysize=2m");

    /**
     * Starts a recording in each service, written into {@code dir} when the service stops. It starts only after the
     * resident-memory rows are read: the recorder is the benchmark's instrument, not part of a service in production,
     * and its memory (8–12 MB of NMT's "Tracing" in budget-router when it ran from start-up) counted as the
     * service's. It records only what this reads, by the settings file {@code execution-samples.jfc}: JFR's default
     * settings with the same samples kept 12 MB of "Tracing", its profile settings 18–26 MB.
     *
     * @throws IllegalStateException when a service does not start its recording (jcmd's answer in the message)
     */
    static void start(Path dir, Map<String, Long> pids) throws IOException {
        Path settings = dir.resolve("execution-samples.jfc");
        try (InputStream in = FlightRecordings.class.getResourceAsStream("execution-samples.jfc")) {
            Files.copy(in, settings, StandardCopyOption.REPLACE_EXISTING);
        }
        pids.forEach((name, pid) -> {
            String answer = Jcmd.run(
                    name,
                    pid,
                    "JFR.start",
                    "name=bench",
                    "settings=" + settings,
                    "dumponexit=true",
                    "filename=" + dir.resolve(fileName(pid)));
            if (!answer.contains("Started recording")) {
                throw new IllegalStateException(name + " did not start its flight recording: " + answer.strip());
            }
        });
    }

    /**
     * @param pids service pids by name, as given to the recorded JVMs
     */
    static Map<String, Profile> read(Path dir, Map<String, Long> pids, int top) {
        Map<String, Profile> profiles = new LinkedHashMap<>();
        pids.forEach((name, pid) -> {
            Path file = dir.resolve(fileName(pid));
            if (Files.exists(file)) {
                profiles.put(name, profile(file, top));
            }
        });
        return profiles;
    }

    private static String fileName(long pid) {
        return "service-" + pid + ".jfr";
    }

    private static Profile profile(Path file, int top) {
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> meshMethods = new HashMap<>();
        long samples = 0;
        try (RecordingFile recording = new RecordingFile(file)) {
            while (recording.hasMoreEvents()) {
                var event = recording.readEvent();
                if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
                    continue;
                }
                RecordedStackTrace stack = event.getStackTrace();
                if (stack == null || stack.getFrames().isEmpty()) {
                    continue;
                }
                samples++;
                List<RecordedFrame> frames = stack.getFrames();
                self.merge(library(name(frames.get(0))), 1L, Long::sum);
                frames.stream()
                        .map(FlightRecordings::name)
                        .filter(n -> n.startsWith(MESH_PACKAGE) && !n.startsWith(GENERATED_PACKAGE))
                        .findFirst()
                        .ifPresent(method -> meshMethods.merge(method, 1L, Long::sum));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return new Profile(samples, shares(self, samples, top), shares(meshMethods, samples, top));
    }

    private static String library(String method) {
        return LIBRARIES.entrySet().stream()
                .filter(e -> method.startsWith(e.getKey()))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse("other");
    }

    /**
     * Class and method; a lambda's hidden class ({@code Outer$$Lambda$867+0x…/0x…}) is named after its outer
     * class.
     */
    private static String name(RecordedFrame frame) {
        return HIDDEN_LAMBDA.matcher(frame.getMethod().getType().getName()).replaceFirst("\\$\\$Lambda") + "."
                + frame.getMethod().getName();
    }

    private static List<Share> shares(Map<String, Long> counts, long total, int top) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .limit(top)
                .map(e -> new Share(e.getKey(), 100.0 * e.getValue() / Math.max(1, total)))
                .toList();
    }
}
