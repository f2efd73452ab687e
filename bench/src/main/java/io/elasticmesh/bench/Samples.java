package io.elasticmesh.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Latencies of one kind of call, in nanoseconds; quantiles by the nearest-rank method. Thread-safe. */
final class Samples {

    private final List<Long> nanos = new ArrayList<>();

    synchronized void add(long value) {
        nanos.add(value);
    }

    /** Runs {@code call} and records how long it took. */
    void time(Runnable call) {
        long start = System.nanoTime();
        call.run();
        add(System.nanoTime() - start);
    }

    synchronized int count() {
        return nanos.size();
    }

    /** @param q in (0, 1], e.g. 0.5 for the median */
    synchronized double quantileMs(double q) {
        if (nanos.isEmpty()) {
            return Double.NaN;
        }
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.max(0, rank - 1)) / 1e6;
    }

    double p50Ms() {
        return quantileMs(0.5);
    }

    double p95Ms() {
        return quantileMs(0.95);
    }

    double p99Ms() {
        return quantileMs(0.99);
    }
}
