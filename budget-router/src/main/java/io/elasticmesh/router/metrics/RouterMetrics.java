package io.elasticmesh.router.metrics;

import io.elasticmesh.router.ShadowPair;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;

/**
 * The router's per-tier metrics, exported by Prometheus at {@code /q/metrics} (names there: Micrometer's dots
 * become underscores, counters end in {@code _total}, timers in {@code _seconds}). The README's operator section
 * says how to read them. Tier labels only take configured tier names (or {@code unknown}), so a client cannot
 * grow the label set.
 */
@ApplicationScoped
public class RouterMetrics {

    /** The tier label of requests refused before a tier was resolved. */
    public static final String UNKNOWN_TIER = "unknown";

    private final MeterRegistry registry;
    private final Counter reloadFailures;
    private final Set<String> queueGauges = ConcurrentHashMap.newKeySet();

    public RouterMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.reloadFailures = Counter.builder("elastic.config.reload.failures")
                .description("Tier file edits refused (the last good configuration stayed in force)")
                .register(registry);
    }

    /** One request ended, with its gRPC status code name ({@code OK}, {@code RESOURCE_EXHAUSTED}, …). */
    public void requestEnded(String tier, String status, Duration took) {
        registry.counter("elastic.requests", "tier", tier, "status", status).increment();
        Timer.builder("elastic.request.duration")
                .description("End-to-end request time, refusals included")
                .tag("tier", tier)
                .publishPercentileHistogram()
                .register(registry)
                .record(took);
    }

    /** One request answered: its tokens, whether thinking was cut and why, whether it met its tier's deadline. */
    public void answered(
            String tier,
            String model,
            int thinkingTokens,
            int solutionTokens,
            String cutReason,
            boolean withinDeadline) {
        DistributionSummary.builder("elastic.thinking.tokens")
                .description("Thinking tokens per answered request")
                .tags("tier", tier, "model", model)
                .publishPercentileHistogram()
                .register(registry)
                .record(thinkingTokens);
        DistributionSummary.builder("elastic.solution.tokens")
                .description("Solution tokens per answered request")
                .tags("tier", tier, "model", model)
                .publishPercentileHistogram()
                .register(registry)
                .record(solutionTokens);
        if (cutReason != null) {
            registry.counter("elastic.thinking.truncated", "tier", tier, "reason", cutReason)
                    .increment();
        }
        if (withinDeadline) {
            registry.counter("elastic.deadline.attained", "tier", tier).increment();
        }
    }

    /** A request refused; {@code reason} is a lower-case word such as {@code queue_full} or {@code quota}. */
    public void refused(String tier, String reason) {
        registry.counter("elastic.refusals", "tier", tier, "reason", reason).increment();
    }

    public void queueWait(String tier, Duration waited) {
        Timer.builder("elastic.admission.queue.wait")
                .description("Time admitted requests waited for a slot")
                .tag("tier", tier)
                .publishPercentileHistogram()
                .register(registry)
                .record(waited);
    }

    /** Registers the queue-depth gauge of a tier once; {@code depth} is read at every scrape. */
    public <T> void queueDepth(String tier, T source, ToIntFunction<T> depth) {
        if (queueGauges.add(tier)) {
            registry.gauge("elastic.admission.queue.depth", Tags.of("tier", tier), source, s -> depth.applyAsInt(s));
        }
    }

    /**
     * A shadow evaluation recorded: whether the answers agree, and each run's generated tokens, time and (when the
     * tier is priced) cost, so a dashboard divides the {@code run="shadow"} and {@code run="answer"} rates by the
     * evaluations' rate for per-answer figures.
     */
    public void shadowEvaluated(ShadowPair pair) {
        shadowRun(pair, "answer", pair.answer());
        shadowRun(pair, "shadow", pair.shadow());
        // Last: a reader that sees the evaluation sees its tokens, time and cost.
        registry.counter(
                        "elastic.shadow.evaluations",
                        "tier",
                        pair.tier().name(),
                        "outcome",
                        pair.agree() ? "agree" : "disagree")
                .increment();
    }

    private void shadowRun(ShadowPair pair, String run, ShadowPair.Run cost) {
        String tier = pair.tier().name();
        registry.counter("elastic.shadow.generated.tokens", "tier", tier, "run", run)
                .increment(cost.generatedTokens());
        registry.counter("elastic.shadow.seconds", "tier", tier, "run", run).increment(cost.millis() / 1000.0);
        pair.tier()
                .price()
                .ifPresent(price -> registry.counter(
                                "elastic.shadow.cost", "tier", tier, "run", run, "currency", price.currency())
                        .increment(cost.cost().orElse(0.0)));
    }

    /** A shadow not evaluated; {@code reason} is a lower-case word such as {@code queue_full} or {@code preempted}. */
    public void shadowDropped(String tier, String reason) {
        registry.counter("elastic.shadow.dropped", "tier", tier, "reason", reason)
                .increment();
    }

    public void configReloadFailed() {
        reloadFailures.increment();
    }

    public long configReloadFailures() {
        return (long) reloadFailures.count();
    }
}
