package io.elasticmesh.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time (user + system) that named process trees have used, read from {@code /proc/<pid>/stat}. On two cores the
 * mesh and Triton share the CPU, so the CPU a request costs, per process, is what bounds throughput.
 */
final class CpuTime {

    /** Linux reports stat times in clock ticks of 1/100 s on every architecture the mesh runs on. */
    private static final double MS_PER_TICK = 10.0;

    private final Map<String, Long> roots;

    /** @param roots process ids by name; each counts with its descendants (Triton's model stubs, for one) */
    CpuTime(Map<String, Long> roots) {
        this.roots = new LinkedHashMap<>(roots);
    }

    /** CPU milliseconds used so far by each tree, in the order the roots were given. */
    Map<String, Double> snapshotMs() {
        Map<String, Double> used = new LinkedHashMap<>();
        roots.forEach((name, pid) -> used.put(
                name,
                ProcessHandle.of(pid)
                                .map(root -> Stream.concat(Stream.of(root), root.descendants())
                                        .mapToLong(p -> ticks(p.pid()))
                                        .sum())
                                .orElse(0L)
                        * MS_PER_TICK));
        return used;
    }

    /** CPU milliseconds each tree used since {@code before}, an earlier {@link #snapshotMs()}. */
    Map<String, Double> usedSinceMs(Map<String, Double> before) {
        Map<String, Double> used = snapshotMs();
        used.replaceAll((name, ms) -> ms - before.getOrDefault(name, 0.0));
        return used;
    }

    /** Each tree's CPU milliseconds divided by {@code requests}. */
    static Map<String, Double> perRequest(Map<String, Double> usedMs, long requests) {
        Map<String, Double> per = new LinkedHashMap<>(usedMs);
        per.replaceAll((name, ms) -> ms / Math.max(1, requests));
        return per;
    }

    /** utime + stime of one process, or 0 when it is gone. */
    private static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            // Fields after the command name, which is in parentheses and may itself contain spaces.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
