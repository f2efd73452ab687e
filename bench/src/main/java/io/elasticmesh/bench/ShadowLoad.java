package io.elasticmesh.bench;

import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Shadow evaluation under a saturating load: requests' latency on a tier that shadows every cut answer against the
 * same tier without shadows, interleaved request by request (each client alternates between the two), so both see
 * the same load on the same machine. Each tier gets twice the requests it has slots for, so one always waits and no
 * shadow starts while the load runs; between windows the load pauses, shadows start on the idle slots, and the next
 * window's first requests take their slots back. The router's own counters say how many shadows ran and how many
 * were dropped.
 */
final class ShadowLoad {

    /** In flight, half on each tier: twice their four slots each (bench/tiers.yaml), so neither queue empties. */
    static final int CONCURRENCY = 16;

    /** Thinking cut at the tiers' t = 8; the shadow's 32 lets the model close at 16. */
    static final String DIRECTIVE = "think=16 close=yes answer=4 delay_ms=5";

    /** The tiers' budgets, sent as every benchmark request sends its own. */
    static final int T = 8;

    static final int S = 16;

    static final String WITH = "shadow-on";
    static final String WITHOUT = "shadow-off";

    /**
     * @param concurrency requests in flight, half on each tier
     * @param shadowsRun shadows evaluated during the run; {@code shadowsDropped} not, for any reason
     */
    record Result(
            int concurrency, HttpDoor.Latency with, HttpDoor.Latency without, long shadowsRun, long shadowsDropped) {

        double p50Ratio() {
            return with.p50Ms() / without.p50Ms();
        }

        double p95Ratio() {
            return with.p95Ms() / without.p95Ms();
        }
    }

    private ShadowLoad() {}

    static Result measure(Endpoints endpoints, URI routerMetrics, int rounds, long windowMs) throws Exception {
        Endpoints.Call with = endpoints.scripted(WITH, DIRECTIVE, T, S);
        Endpoints.Call without = endpoints.scripted(WITHOUT, DIRECTIVE, T, S);
        Samples withShadows = new Samples();
        Samples withoutShadows = new Samples();
        String before = Endpoints.scrape(routerMetrics);
        AtomicLong sent = new AtomicLong();
        Runnable request = () -> {
            if (sent.getAndIncrement() % 2 == 0) {
                withShadows.time(() -> endpoints.mesh(with));
            } else {
                withoutShadows.time(() -> endpoints.mesh(without));
            }
        };
        for (int round = 0; round < 2 * rounds; round++) {
            Throughput.window(CONCURRENCY, windowMs, request);
            // Idle: the shadows waiting start (one takes about 0.1 s: 22 tokens at 5 ms).
            Thread.sleep(windowMs / 4);
        }
        String after = Endpoints.scrape(routerMetrics);
        return new Result(
                CONCURRENCY,
                HttpDoor.Latency.of(withShadows),
                HttpDoor.Latency.of(withoutShadows),
                count(after, "elastic_shadow_evaluations_total") - count(before, "elastic_shadow_evaluations_total"),
                count(after, "elastic_shadow_dropped_total") - count(before, "elastic_shadow_dropped_total"));
    }

    /** The sum of a counter's series for the shadowing tier in a Prometheus exposition. */
    private static long count(String metrics, String counter) {
        return metrics.lines()
                .filter(line -> line.startsWith(counter + "{") && line.contains("tier=\"" + WITH + "\""))
                // The value follows the labels; an exemplar (" # {…} value time") may follow it.
                .mapToLong(line -> (long) Double.parseDouble(
                        line.substring(line.indexOf("} ") + 2).split(" ")[0]))
                .sum();
    }
}
