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
 * until a window closes, through the mesh and directly in alternating windows (mesh first in even rounds, direct
 * first in odd ones). The rate is the answered requests over the time until the last of them answered, so a request
 * longer than the window still counts; failures are counted apart.
 */
final class Throughput {

    /**
     * @param meshCpuMs CPU milliseconds per answered request, per process tree, in the mesh windows
     * @param directCpuMs the same in the direct windows
     */
    record Point(
            int concurrency,
            double meshRps,
            double directRps,
            long meshErrors,
            long directErrors,
            Map<String, Double> meshCpuMs,
            Map<String, Double> directCpuMs) {

        double ratio() {
            return meshRps / directRps;
        }
    }

    private Throughput() {}

    static Point measure(
            Endpoints endpoints,
            Endpoints.Call call,
            int concurrency,
            int rounds,
            long windowMs,
            ResidentMemory memory,
            CpuTime cpu)
            throws Exception {
        Map<String, Double> meshCpu = new LinkedHashMap<>();
        Map<String, Double> directCpu = new LinkedHashMap<>();
        Window meshTotal = Window.NONE;
        Window directTotal = Window.NONE;
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < 2; k++) {
                boolean mesh = (round + k) % 2 == 0;
                memory.sample(mesh);
                Map<String, Double> before = cpu.snapshotMs();
                Window w =
                        window(concurrency, windowMs, mesh ? () -> endpoints.mesh(call) : () -> endpoints.direct(call));
                Map<String, Double> windowCpu = mesh ? meshCpu : directCpu;
                cpu.usedSinceMs(before).forEach((name, ms) -> windowCpu.merge(name, ms, Double::sum));
                memory.sample(false);
                if (mesh) {
                    meshTotal = meshTotal.plus(w);
                } else {
                    directTotal = directTotal.plus(w);
                }
            }
        }
        return new Point(
                concurrency,
                meshTotal.rps(),
                directTotal.rps(),
                meshTotal.errors(),
                directTotal.errors(),
                CpuTime.perRequest(meshCpu, meshTotal.completed()),
                CpuTime.perRequest(directCpu, directTotal.completed()));
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
        Window firstTotal = Window.NONE;
        Window secondTotal = Window.NONE;
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < 2; k++) {
                if ((round + k) % 2 == 0) {
                    firstTotal = firstTotal.plus(window(concurrency, windowMs, first));
                } else {
                    secondTotal = secondTotal.plus(window(concurrency, windowMs, second));
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
