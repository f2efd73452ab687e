package io.elasticmesh.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a service's memory goes, by the JVM's own account: with {@code ./mesh bench --nmt} every service runs with
 * Native Memory Tracking (summary level), and right after the throughput runs this asks each one
 * ({@code jcmd PID VM.native_memory summary}) how much it has committed per category (Java Heap, Class, Thread,
 * Code, GC, Internal, Other: Netty's direct buffers, Symbol, ...). Committed is an upper bound of resident: heap and
 * stacks reserved and committed but never touched are not resident.
 */
final class NativeMemory {

    /** NMT's memory use, in the services' summaries, is part of the process too. */
    static final List<String> JVM_OPTIONS = List.of("-XX:NativeMemoryTracking=summary");

    private static final Pattern TOTAL = Pattern.compile("^Total: reserved=(\\d+)KB, committed=(\\d+)KB");
    private static final Pattern CATEGORY = Pattern.compile("^-\\s+(.+?) \\(reserved=(\\d+)KB, committed=(\\d+)KB");

    /** One service's committed memory by NMT category (in MB, largest first, "Total" first) and its RSS then. */
    record Summary(Map<String, Double> committedMb, double residentMb) {}

    private NativeMemory() {}

    /** Each service's summary now, in the order of {@code pids}. */
    static Map<String, Summary> summaries(Map<String, Long> pids) {
        Map<String, Summary> summaries = new LinkedHashMap<>();
        pids.forEach((name, pid) -> summaries.put(
                name,
                new Summary(
                        parse(Jcmd.run(name, pid, "VM.native_memory", "summary", "scale=KB")),
                        ResidentMemory.vmRssKb(pid) / 1024.0)));
        return summaries;
    }

    /** Committed MB per category of a {@code VM.native_memory summary} output; categories under 1 MB are left out. */
    static Map<String, Double> parse(String summary) {
        Map<String, Double> committed = new LinkedHashMap<>();
        Map<String, Double> categories = new LinkedHashMap<>();
        for (String line : summary.split("\n")) {
            Matcher total = TOTAL.matcher(line.strip());
            if (total.find()) {
                committed.put("Total", Long.parseLong(total.group(2)) / 1024.0);
            }
            Matcher category = CATEGORY.matcher(line);
            if (category.find() && Long.parseLong(category.group(3)) >= 1024) {
                categories.put(category.group(1).strip(), Long.parseLong(category.group(3)) / 1024.0);
            }
        }
        categories.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> committed.put(e.getKey(), e.getValue()));
        return committed;
    }
}
