package io.elasticmesh.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The highest resident set size seen per process while sampling runs: VmRSS from /proc/&lt;pid&gt;/status, read by a
 * daemon thread every 200 ms.
 */
final class ResidentMemory implements AutoCloseable {

    private static final long PERIOD_MS = 200;

    private final Map<String, Long> pids;
    private final Map<String, Long> peakKb = new ConcurrentHashMap<>();
    private volatile boolean sampling;
    private final Thread sampler;

    /** @param pids process ids by name; sampling starts paused */
    ResidentMemory(Map<String, Long> pids) {
        this.pids = Collections.unmodifiableMap(new LinkedHashMap<>(pids));
        sampler = new Thread(this::loop, "rss-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    void sample(boolean on) {
        sampling = on;
    }

    private void loop() {
        while (!Thread.currentThread().isInterrupted()) {
            if (sampling) {
                pids.forEach((name, pid) -> {
                    long kb = vmRssKb(pid);
                    peakKb.merge(name, kb, Math::max);
                });
            }
            try {
                Thread.sleep(PERIOD_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** VmRSS of {@code pid} in kB, or 0 when the process is gone. */
    static long vmRssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            // the process ended
        }
        return 0;
    }

    /** Peak resident set size per process, in MB, in the order the pids were given. */
    Map<String, Double> peakMb() {
        Map<String, Double> mb = new LinkedHashMap<>();
        pids.keySet().forEach(name -> mb.put(name, peakKb.getOrDefault(name, 0L) / 1024.0));
        return mb;
    }

    @Override
    public void close() {
        sampler.interrupt();
    }
}
