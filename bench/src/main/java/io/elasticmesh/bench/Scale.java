package io.elasticmesh.bench;

import java.util.List;

/**
 * How much each part of the benchmark does. {@code full} is the run the README quotes; {@code quick} finishes in a
 * few minutes on two cores, and is what CI runs (BenchQuickIT) to prove that every part runs and reports.
 */
record Scale(
        String name,
        int warmup,
        int smollm2Warmup,
        int adherenceRequests,
        int overheadRequests,
        int smollm2Requests,
        int throughputRounds,
        long throughputWindowMs,
        int auditLagProbes,
        int auditEvents,
        int auditPathPairs,
        int prefixReuseRuns) {

    static final List<Integer> CONCURRENCY = List.of(1, 8, 32, 64);

    static Scale full() {
        return new Scale("full", 200, 1, 10_000, 300, 20, 3, 5_000, 500, 50_000, 1_000, 10);
    }

    static Scale quick() {
        return new Scale("quick", 40, 0, 400, 40, 2, 1, 2_000, 40, 5_000, 100, 3);
    }

    Scale named(String otherName) {
        return new Scale(
                otherName,
                warmup,
                smollm2Warmup,
                adherenceRequests,
                overheadRequests,
                smollm2Requests,
                throughputRounds,
                throughputWindowMs,
                auditLagProbes,
                auditEvents,
                auditPathPairs,
                prefixReuseRuns);
    }
}
