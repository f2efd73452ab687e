package io.elasticmesh.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
        pids.forEach((name, pid) ->
                summaries.put(name, new Summary(parse(jcmd(pid)), ResidentMemory.vmRssKb(pid) / 1024.0)));
        return summaries;
    }

    private static String jcmd(long pid) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process p = new ProcessBuilder(
                            jcmd.toString(), String.valueOf(pid), "VM.native_memory", "summary", "scale=KB")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("jcmd " + pid + " VM.native_memory summary", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
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
