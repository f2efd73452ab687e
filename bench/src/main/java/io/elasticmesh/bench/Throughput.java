package io.elasticmesh.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop throughput: {@code concurrency} clients, each sending its next request when the last one answered,
 * until a window closes, one way and its baseline in alternating windows (through the mesh and directly, say; each
 * first in every other round). The rate is the answered requests over the time until the last of them answered, so a request
 * longer than the window still counts; failures are counted apart.
 */
final class Throughput {

    /**
     * One request kind against its baseline at one concurrency: the mesh against direct Triton calls, or the HTTP door
     * against gRPC.
     *
     * @param cpuMs CPU milliseconds per answered request, per process tree, in the measured side's windows
     * @param baselineCpuMs the same in the baseline's windows
     */
    record Point(
            int concurrency,
            double rps,
            double baselineRps,
            long errors,
            long baselineErrors,
            Map<String, Double> cpuMs,
            Map<String, Double> baselineCpuMs) {

        double ratio() {
            return rps / baselineRps;
        }
    }

    private Throughput() {}

    /** Through the mesh, against the same calls made directly to Triton. */
    static Point measure(
            Endpoints endpoints,
            Endpoints.Call call,
            int concurrency,
            int rounds,
            long windowMs,
            ResidentMemory memory,
            CpuTime cpu)
            throws Exception {
        return compare(
                concurrency, rounds, windowMs, () -> endpoints.mesh(call), () -> endpoints.direct(call), memory, cpu);
    }

    /** {@code measured} against {@code baseline} in alternating windows, measured first in even rounds. */
    static Point compare(
            int concurrency,
            int rounds,
            long windowMs,
            Runnable measured,
            Runnable baseline,
            ResidentMemory memory,
            CpuTime cpu)
            throws Exception {
        Map<String, Double> measuredCpu = new LinkedHashMap<>();
        Map<String, Double> baselineCpu = new LinkedHashMap<>();
        Pair windows = alternating(rounds, first -> {
            // Both sides: services idle through a direct window, and answer both of the HTTP door's.
            memory.sample(true);
            Map<String, Double> before = cpu.snapshotMs();
            Window w = window(concurrency, windowMs, first ? measured : baseline);
            Map<String, Double> windowCpu = first ? measuredCpu : baselineCpu;
            cpu.usedSinceMs(before).forEach((name, ms) -> windowCpu.merge(name, ms, Double::sum));
            memory.sample(false);
            return w;
        });
        return new Point(
                concurrency,
                windows.first().rps(),
                windows.second().rps(),
                windows.first().errors(),
                windows.second().errors(),
                CpuTime.perRequest(measuredCpu, windows.first().completed()),
                CpuTime.perRequest(baselineCpu, windows.second().completed()));
    }

    /** One closed-loop window, or the sum of several. */
    record Window(long completed, long errors, long nanos) {

        static final Window NONE = new Window(0, 0, 0);

        Window plus(Window other) {
            return new Window(completed + other.completed, errors + other.errors, nanos + other.nanos);
        }

        double rps() {
            return completed * 1e9 / nanos;
        }
    }

    /** Two ways of sending a request, each's windows summed. */
    record Pair(Window first, Window second) {}

    /**
     * {@code rounds} windows of each way in alternation, {@code first} leading in even rounds, so that neither gets
     * the machine's quieter moments.
     */
    static Pair alternating(int concurrency, int rounds, long windowMs, Runnable first, Runnable second)
            throws Exception {
        return alternating(rounds, isFirst -> window(concurrency, windowMs, isFirst ? first : second));
    }

    /** One window of one of the two ways ({@code first} or not), measured as its caller wants. */
    private interface WindowRun {
        Window run(boolean first) throws Exception;
    }

    private static Pair alternating(int rounds, WindowRun run) throws Exception {
        Window firstTotal = Window.NONE;
        Window secondTotal = Window.NONE;
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < 2; k++) {
                if ((round + k) % 2 == 0) {
                    firstTotal = firstTotal.plus(run.run(true));
                } else {
                    secondTotal = secondTotal.plus(run.run(false));
                }
            }
        }
        return new Pair(firstTotal, secondTotal);
    }

    /** {@code concurrency} clients sending {@code request} back to back until {@code windowMs} have passed. */
    static Window window(int concurrency, long windowMs, Runnable request) throws Exception {
        AtomicLong completed = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        ExecutorService clients = Executors.newFixedThreadPool(concurrency);
        long start = System.nanoTime();
        try {
            long end = start + windowMs * 1_000_000;
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < concurrency; i++) {
                running.add(clients.submit(() -> {
                    while (System.nanoTime() < end) {
                        try {
                            request.run();
                            completed.incrementAndGet();
                        } catch (RuntimeException e) {
                            errors.incrementAndGet();
                        }
                    }
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            clients.shutdownNow();
        }
        return new Window(completed.get(), errors.get(), System.nanoTime() - start);
    }
}
