package io.elasticmesh.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The machine the numbers come from, as Linux and the JVM describe it. */
record Machine(String cpu, int cores, long memoryMb, String jdk, String os) {

    static Machine describe() {
        String cpu = value(Path.of("/proc/cpuinfo"), "model name", ':').orElse(System.getProperty("os.arch"));
        long memoryKb = value(Path.of("/proc/meminfo"), "MemTotal", ':')
                .map(v -> Long.parseLong(v.replaceAll("\\D", "")))
                .orElse(Runtime.getRuntime().maxMemory() / 1024);
        String os = value(Path.of("/etc/os-release"), "PRETTY_NAME", '=')
                        .map(v -> v.replace("\"", ""))
                        .orElse(System.getProperty("os.name"))
                + ", kernel " + System.getProperty("os.version");
        String jdk = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
        return new Machine(cpu, Runtime.getRuntime().availableProcessors(), memoryKb / 1024, jdk, os);
    }

    /** The value of the first {@code key<separator>value} line of a system file. */
    private static Optional<String> value(Path file, String key, char separator) {
        try {
            return Files.readAllLines(file).stream()
                    .filter(l -> l.startsWith(key) && l.indexOf(separator) > 0)
                    .map(l -> l.substring(l.indexOf(separator) + 1).strip())
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    String summary() {
        return String.format("%s, %d cores, %.1f GB memory, %s, %s", cpu, cores, memoryMb / 1024.0, jdk, os);
    }
}
