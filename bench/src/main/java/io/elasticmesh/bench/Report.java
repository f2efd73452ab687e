package io.elasticmesh.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** latest.json (the fields, numbers) and latest.md (the README's table) from one run's results. */
final class Report {

    /**
     * Everything one run measured; a footprint run ({@code --footprint}) has no smollm2, httpDoor, prefixReuse,
     * audit, sharedState or shadow.
     */
    record Results(
            Scale scale,
            Machine machine,
            Instant finished,
            double durationS,
            Workload workload,
            Overhead.Result scripted,
            Overhead.Result smollm2,
            List<Throughput.Point> throughput,
            HttpDoor.Result httpDoor,
            BudgetAdherence.Result adherence,
            PrefixReuse.Result prefixReuse,
            AuditPath.Result audit,
            Map<String, Double> memoryMb,
            Map<String, NativeMemory.Summary> nativeMemory,
            Map<String, FlightRecordings.Profile> profiles,
            SharedState.Result sharedState,
            ShadowLoad.Result shadow) {}

    /** Issue 14's footprint target: each service's peak resident set under the benchmark's load. */
    static final double RESIDENT_TARGET_MB = 200;

    /** The scripted request the overhead and throughput runs send. */
    record Workload(String directive, int t, int s, int tokens, int tokenDelayMs) {}

    private Report() {}

    static void write(Path dir, Results r) throws IOException {
        Files.createDirectories(dir);
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(dir.resolve("latest.json").toFile(), json(r));
        Files.writeString(dir.resolve("latest.md"), markdown(r));
    }

    static Map<String, Object> json(Results r) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("mode", r.scale().name());
        root.put("finished_at", r.finished().truncatedTo(ChronoUnit.SECONDS).toString());
        root.put("duration_s", round(r.durationS()));
        root.put(
                "machine",
                Map.of(
                        "cpu",
                        r.machine().cpu(),
                        "cores",
                        r.machine().cores(),
                        "memory_mb",
                        r.machine().memoryMb(),
                        "jdk",
                        r.machine().jdk(),
                        "os",
                        r.machine().os()));
        Map<String, Object> overhead = overhead(r.scripted());
        overhead.put("token_delay_ms", r.workload().tokenDelayMs());
        overhead.put("tokens_per_request", r.workload().tokens());
        Map<String, Object> singleCall = map(
                "p50_ratio",
                r.scripted().singleCallP50Ratio(),
                "single_p50_ms",
                r.scripted().singleP50Ms());
        if (r.smollm2() != null) {
            overhead.put("smollm2", overhead(r.smollm2()));
            singleCall.put("smollm2_p50_ratio", round(r.smollm2().singleCallP50Ratio()));
            singleCall.put("smollm2_single_p50_ms", round(r.smollm2().singleP50Ms()));
        }
        root.put("overhead", overhead);
        root.put("single_call", singleCall);
        root.put(
                "throughput",
                r.throughput().stream()
                        .map(p -> map(
                                "concurrency",
                                p.concurrency(),
                                "mesh_rps",
                                p.rps(),
                                "direct_rps",
                                p.baselineRps(),
                                "ratio",
                                p.ratio(),
                                "mesh_errors",
                                p.errors(),
                                "direct_errors",
                                p.baselineErrors(),
                                "mesh_cpu_ms_per_request",
                                rounded(p.cpuMs()),
                                "direct_cpu_ms_per_request",
                                rounded(p.baselineCpuMs())))
                        .toList());
        if (r.httpDoor() != null) {
            root.put("http_door", httpDoor(r.httpDoor()));
        }
        if (r.sharedState() != null) {
            root.put("shared_state", sharedState(r.sharedState()));
        }
        if (r.shadow() != null) {
            root.put("shadow", shadow(r.shadow()));
        }
        Map<String, Object> adherence = map(
                "requests",
                r.adherence().requests(),
                "violations",
                r.adherence().violations(),
                "errors",
                r.adherence().errors());
        adherence.put("violations_by_invariant", r.adherence().byInvariant());
        root.put("budget_adherence", adherence);
        if (r.prefixReuse() == null) {
            // A footprint run: no SmolLM2, audit path or prefix reuse.
            return memory(root, r);
        }
        root.put(
                "prefix_reuse",
                map(
                        "runs",
                        r.prefixReuse().runs(),
                        "solution_ttft_ms_with",
                        r.prefixReuse().solutionTtftMsWith(),
                        "solution_ttft_ms_without",
                        r.prefixReuse().solutionTtftMsWithout()));
        AuditPath.Result a = r.audit();
        root.put(
                "audit",
                map(
                        "events_per_s",
                        a.eventsPerS(),
                        "produced_events_per_s",
                        a.producedPerS(),
                        "end_to_end_lag_p99_ms",
                        a.lagP99Ms(),
                        "end_to_end_lag_p50_ms",
                        a.lagP50Ms(),
                        "request_path_added_ms_p99",
                        a.publishP99Ms(),
                        "request_path_added_ms_p50",
                        a.publishP50Ms(),
                        "spool_sync_ms_p99",
                        a.syncP99Ms(),
                        "pairs_difference_ms_p99",
                        a.pairsDiffMsP99(),
                        "pairs_difference_ms_p50",
                        a.pairsDiffMsP50(),
                        "events_produced",
                        a.eventsProduced(),
                        "events_missing",
                        a.eventsMissing(),
                        "lag_probes",
                        a.lagProbes(),
                        "path_pairs",
                        a.pathPairs()));
        return memory(root, r);
    }

    private static Map<String, Object> memory(Map<String, Object> root, Results r) {
        root.put("memory_mb", rounded(r.memoryMb()));
        root.put("memory_target_mb", RESIDENT_TARGET_MB);
        if (!r.nativeMemory().isEmpty()) {
            Map<String, Object> nmt = new LinkedHashMap<>();
            r.nativeMemory()
                    .forEach((service, s) -> nmt.put(
                            service, map("resident_mb", s.residentMb(), "committed_mb", rounded(s.committedMb()))));
            root.put("native_memory", nmt);
        }
        return root;
    }

    private static double total(Map<String, Double> cpuMs) {
        return cpuMs.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /** "12.3 ms: triton 5.1, client 2.0, …", the processes that used any CPU, largest first. */
    private static String cpu(Map<String, Double> cpuMs) {
        return String.format(Locale.ROOT, "%.1f ms: ", total(cpuMs))
                + cpuMs.entrySet().stream()
                        .filter(e -> e.getValue() >= 0.05)
                        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                        .map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue()))
                        .collect(Collectors.joining(", "));
    }

    private static Map<String, Object> rounded(Map<String, Double> values) {
        Map<String, Object> out = new LinkedHashMap<>();
        values.forEach((name, value) -> out.put(name, round(value)));
        return out;
    }

    private static Map<String, Object> overhead(Overhead.Result o) {
        return map(
                "requests",
                o.requests(),
                "mesh_p50_ms",
                o.meshP50Ms(),
                "mesh_p99_ms",
                o.meshP99Ms(),
                "direct_p50_ms",
                o.directP50Ms(),
                "direct_p99_ms",
                o.directP99Ms(),
                "p50_ratio",
                o.p50Ratio(),
                "p99_ratio",
                o.p99Ratio(),
                "added_ms_p50",
                o.addedMsP50(),
                "stream",
                map(
                        "mesh_p50_ms",
                        o.streamP50Ms(),
                        "mesh_p99_ms",
                        o.streamP99Ms(),
                        "p50_ratio",
                        o.streamP50Ratio(),
                        "first_token_p50_ms",
                        o.streamFirstTokenP50Ms(),
                        "direct_first_token_p50_ms",
                        o.directFirstTokenP50Ms(),
                        "first_token_added_ms_p50",
                        o.streamFirstTokenAddedMsP50()));
    }

    private static Map<String, Object> sharedState(SharedState.Result s) {
        Map<String, Object> state = map(
                "requests",
                s.requests(),
                "shared_p50_ms",
                s.shared().p50Ms(),
                "shared_p95_ms",
                s.shared().p95Ms(),
                "alone_p50_ms",
                s.alone().p50Ms(),
                "alone_p95_ms",
                s.alone().p95Ms(),
                "added_ms_p50",
                s.addedMsP50(),
                "target_added_ms_p50",
                SharedState.TARGET_ADDED_MS_P50);
        state.put(
                "throughput",
                s.throughput().stream()
                        .map(p -> map(
                                "concurrency",
                                p.concurrency(),
                                "shared_rps",
                                p.sharedRps(),
                                "alone_rps",
                                p.aloneRps(),
                                "ratio",
                                p.ratio(),
                                "shared_errors",
                                p.sharedErrors(),
                                "alone_errors",
                                p.aloneErrors()))
                        .toList());
        return state;
    }

    private static Map<String, Object> shadow(ShadowLoad.Result s) {
        return map(
                "concurrency",
                s.concurrency(),
                "requests_with",
                s.with().answered(),
                "requests_without",
                s.without().answered(),
                "with_p50_ms",
                s.with().p50Ms(),
                "with_p95_ms",
                s.with().p95Ms(),
                "without_p50_ms",
                s.without().p50Ms(),
                "without_p95_ms",
                s.without().p95Ms(),
                "p50_ratio",
                s.p50Ratio(),
                "p95_ratio",
                s.p95Ratio(),
                "shadows_run",
                s.shadowsRun(),
                "shadows_dropped",
                s.shadowsDropped());
    }

    private static Map<String, Object> httpDoor(HttpDoor.Result h) {
        Map<String, Object> door = map(
                "requests",
                h.requests(),
                "grpc_requests",
                h.grpc().answered(),
                "http_requests",
                h.http().answered(),
                "answers_differing",
                h.answersDiffering(),
                "grpc_p50_ms",
                h.grpc().p50Ms(),
                "grpc_p95_ms",
                h.grpc().p95Ms(),
                "http_p50_ms",
                h.http().p50Ms(),
                "http_p95_ms",
                h.http().p95Ms(),
                "p50_ratio",
                h.p50Ratio(),
                "p95_ratio",
                h.p95Ratio(),
                "added_ms_p50",
                h.addedMsP50(),
                "target_ratio",
                HttpDoor.TARGET_RATIO);
        door.put(
                "throughput",
                h.throughput().stream()
                        .map(p -> map(
                                "concurrency",
                                p.concurrency(),
                                "grpc_rps",
                                p.baselineRps(),
                                "http_rps",
                                p.rps(),
                                "ratio",
                                p.ratio(),
                                "grpc_errors",
                                p.baselineErrors(),
                                "http_errors",
                                p.errors(),
                                "grpc_cpu_ms_per_request",
                                rounded(p.baselineCpuMs()),
                                "http_cpu_ms_per_request",
                                rounded(p.cpuMs())))
                        .toList());
        return door;
    }

    /** An ordered map from alternating keys and values, numbers rounded to three decimals. */
    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            Object v = keysAndValues[i + 1];
            m.put((String) keysAndValues[i], v instanceof Double d ? round(d) : v);
        }
        return m;
    }

    private static double round(double v) {
        return Double.isFinite(v) ? Math.round(v * 1000) / 1000.0 : v;
    }

    static String markdown(Results r) {
        StringBuilder md = new StringBuilder();
        Workload w = r.workload();
        md.append(String.format(
                Locale.ROOT,
                "Run `%s`, finished %s, %.0f s. Machine: %s.%n%n",
                r.scale().name(),
                r.finished().truncatedTo(ChronoUnit.SECONDS),
                r.durationS(),
                r.machine().summary()));
        md.append(String.format(
                Locale.ROOT,
                "Scripted request: `%s`, t=%d, s=%d: %d tokens at %d ms each. "
                        + "\"direct\" is the same two Triton calls made by a minimal client "
                        + "(local-stack `ElasticReasoningReference`), interleaved with the mesh requests.%n%n",
                w.directive(),
                w.t(),
                w.s(),
                w.tokens(),
                w.tokenDelayMs()));
        md.append("| measure | mesh | baseline | ratio / result | target |\n|---|---|---|---|---|\n");
        Overhead.Result o = r.scripted();
        row(
                md,
                "scripted, p50 latency (" + o.requests() + " each)",
                ms(o.meshP50Ms()),
                ms(o.directP50Ms()) + " direct",
                String.format(Locale.ROOT, "%.3f (%+.1f ms)", o.p50Ratio(), o.addedMsP50()),
                verdict(o.p50Ratio() <= 1.05 && o.addedMsP50() <= 3, "≤ 1.05 and ≤ +3 ms"));
        row(md, "scripted, p99 latency", ms(o.meshP99Ms()), ms(o.directP99Ms()) + " direct", ratio(o.p99Ratio()), "");
        row(
                md,
                "scripted through StreamReason, p50 latency",
                ms(o.streamP50Ms()),
                ms(o.directP50Ms()) + " direct",
                ratio(o.streamP50Ratio()),
                "");
        row(
                md,
                "scripted through StreamReason, first thinking token p50",
                ms(o.streamFirstTokenP50Ms()),
                ms(o.directFirstTokenP50Ms()) + " direct",
                String.format(Locale.ROOT, "%+.1f ms", o.streamFirstTokenAddedMsP50()),
                "");
        Overhead.Result m = r.smollm2();
        if (m != null) {
            row(
                    md,
                    "SmolLM2 (CPU), p50 latency (" + m.requests() + " each)",
                    ms(m.meshP50Ms()),
                    ms(m.directP50Ms()) + " direct",
                    String.format(Locale.ROOT, "%.3f (%+.1f ms)", m.p50Ratio(), m.addedMsP50()),
                    "");
            row(
                    md,
                    "SmolLM2 (CPU), p99 latency",
                    ms(m.meshP99Ms()),
                    ms(m.directP99Ms()) + " direct",
                    ratio(m.p99Ratio()),
                    "");
        }
        row(
                md,
                "vs one Triton call, max_tokens = t + s, p50 (scripted)",
                ms(o.meshP50Ms()),
                ms(o.singleP50Ms()) + " single",
                ratio(o.singleCallP50Ratio()),
                "");
        if (m != null) {
            row(
                    md,
                    "vs one Triton call, max_tokens = t + s, p50 (SmolLM2)",
                    ms(m.meshP50Ms()),
                    ms(m.singleP50Ms()) + " single",
                    ratio(m.singleCallP50Ratio()),
                    "");
        }
        for (Throughput.Point p : r.throughput()) {
            throughputRow(
                    md,
                    "throughput, " + p.concurrency() + " in flight (scripted)",
                    new Side("mesh", p.rps(), p.errors()),
                    new Side("direct", p.baselineRps(), p.baselineErrors()),
                    verdict(p.ratio() >= 0.95, "≥ 0.95"));
        }
        for (Throughput.Point p : r.throughput()) {
            double mesh = total(p.cpuMs());
            double direct = total(p.baselineCpuMs());
            row(
                    md,
                    "CPU per request, " + p.concurrency() + " in flight (scripted)",
                    cpu(p.cpuMs()),
                    cpu(p.baselineCpuMs()) + " direct",
                    ratio(mesh / direct),
                    "");
        }
        if (r.httpDoor() != null) {
            httpDoorRows(md, r.httpDoor());
        }
        if (r.sharedState() != null) {
            sharedStateRows(md, r.sharedState());
        }
        if (r.shadow() != null) {
            ShadowLoad.Result s = r.shadow();
            row(
                    md,
                    "requests on a tier shadowing every cut answer vs without, p50 latency (scripted, "
                            + s.concurrency() + " in flight, half each on 4 slots)",
                    ms(s.with().p50Ms()),
                    ms(s.without().p50Ms()) + " without",
                    ratio(s.p50Ratio()),
                    "");
            row(
                    md,
                    "with vs without shadows, p95 latency; shadows run / dropped",
                    ms(s.with().p95Ms()),
                    ms(s.without().p95Ms()) + " without",
                    ratio(s.p95Ratio()),
                    s.shadowsRun() + " run / " + s.shadowsDropped() + " dropped");
        }
        BudgetAdherence.Result b = r.adherence();
        row(
                md,
                "budget adherence, random budgets and behaviours",
                b.requests() + " requests",
                b.errors() + " failed",
                b.violations() + " violations "
                        + (b.byInvariant().isEmpty() ? "" : b.byInvariant().toString()),
                verdict(b.violations() == 0, "0"));
        if (r.prefixReuse() != null) {
            PrefixReuse.Result pr = r.prefixReuse();
            row(
                    md,
                    "SmolLM2 solution-phase time to first token (" + pr.runs() + " each)",
                    ms(pr.solutionTtftMsWith()) + " with prefix reuse",
                    ms(pr.solutionTtftMsWithout()) + " without",
                    ratio(pr.solutionTtftMsWith() / pr.solutionTtftMsWithout()),
                    "");
            AuditPath.Result a = r.audit();
            row(
                    md,
                    "audit ingest (Kafka → audit-service, " + a.eventsProduced() + " events)",
                    String.format(Locale.ROOT, "%.0f events/s", a.eventsPerS()),
                    String.format(Locale.ROOT, "%.0f events/s acknowledged by Kafka", a.producedPerS()),
                    a.eventsMissing() + " of the sampled events missing",
                    verdict(a.eventsPerS() >= 5000, "≥ 5,000/s"));
            row(
                    md,
                    "audit end-to-end lag (" + a.lagProbes() + " cut requests)",
                    "p50 " + ms(a.lagP50Ms()),
                    "p99 " + ms(a.lagP99Ms()),
                    "",
                    "");
            row(
                    md,
                    "request path added by auditing (the router's elastic_audit_publish_seconds)",
                    String.format(Locale.ROOT, "p99 %.2f ms", a.publishP99Ms()),
                    String.format(Locale.ROOT, "p50 %.2f ms", a.publishP50Ms()),
                    String.format(Locale.ROOT, "disk write + fsync p99 %.2f ms", a.syncP99Ms()),
                    verdict(a.publishP99Ms() <= 1, "p99 ≤ 1 ms"));
            row(
                    md,
                    "check: cut minus not cut (" + a.pathPairs() + " interleaved pairs)",
                    "p99 " + signedMs(a.pairsDiffMsP99()),
                    "p50 " + signedMs(a.pairsDiffMsP50()),
                    "",
                    "");
        }
        r.memoryMb()
                .forEach((service, mb) -> row(
                        md,
                        "resident memory under load, " + service,
                        String.format(Locale.ROOT, "%.0f MB", mb),
                        "",
                        "",
                        verdict(
                                mb <= RESIDENT_TARGET_MB,
                                String.format(Locale.ROOT, "≤ %.0f MB", RESIDENT_TARGET_MB))));
        if (!r.nativeMemory().isEmpty()) {
            md.append("\n## Where the memory goes (Native Memory Tracking)\n\n");
            md.append("Each service's committed memory by NMT category right after the throughput runs "
                    + "(`jcmd PID VM.native_memory summary`, MB; committed is at most what is resident for the heap "
                    + "and thread stacks), next to its resident set at that moment:\n\n");
            r.nativeMemory()
                    .forEach((service, s) -> md.append(String.format(
                            Locale.ROOT,
                            "- **%s** (resident %.0f): %s%n",
                            service,
                            s.residentMb(),
                            s.committedMb().entrySet().stream()
                                    .map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue()))
                                    .collect(Collectors.joining(", ")))));
        }
        if (r.profiles().isEmpty()) {
            return md.toString(); // a --footprint run records none
        }
        md.append("\n## Where the time goes (JFR)\n\n");
        md.append("Each service recorded the sections after the resident-memory rows (shared state, shadow evaluation, "
                + "the audit path, prefix reuse) with a flight recording (JFR, a Java sample every 10 ms), "
                + "started only then so that the recorder's memory is not counted as the service's. "
                + "Self time by the library of the method on top of the stack; then the mesh's own methods, "
                + "inclusive (the first mesh frame on the stack):\n\n");
        r.profiles().forEach((service, p) -> {
            md.append(String.format(
                    Locale.ROOT,
                    "- **%s** (%d samples): %s; mesh code: %s%n",
                    service,
                    p.samples(),
                    shares(p.selfTimeByLibrary()),
                    shares(p.meshMethods())));
        });
        return md.toString();
    }

    /**
     * Shared state's rows: the mesh's router (quotas leased, concurrency split among replicas) in the "mesh" column, a
     * router sharing nothing as the baseline.
     */
    private static void sharedStateRows(StringBuilder md, SharedState.Result s) {
        row(
                md,
                "shared quota and admission state vs a router alone, p50 latency (scripted, metered tenant, "
                        + s.requests() + " pairs)",
                ms(s.shared().p50Ms()),
                ms(s.alone().p50Ms()) + " alone",
                String.format(Locale.ROOT, "%+.2f ms", s.addedMsP50()),
                verdict(
                        s.addedMsP50() <= SharedState.TARGET_ADDED_MS_P50,
                        String.format(Locale.ROOT, "≤ +%.1f ms", SharedState.TARGET_ADDED_MS_P50)));
        for (SharedState.Point p : s.throughput()) {
            throughputRow(
                    md,
                    "shared state vs a router alone, throughput, " + p.concurrency() + " in flight (scripted)",
                    new Side("shared", p.sharedRps(), p.sharedErrors()),
                    new Side("alone", p.aloneRps(), p.aloneErrors()),
                    "");
        }
    }

    /** The HTTP door's rows: HTTP in the "mesh" column, gRPC {@code Reason} as the baseline. */
    private static void httpDoorRows(StringBuilder md, HttpDoor.Result h) {
        String within = String.format(Locale.ROOT, "≤ %.2f", HttpDoor.TARGET_RATIO);
        row(
                md,
                "HTTP chat completions vs gRPC Reason, p50 latency (scripted, " + h.requests() + " pairs)",
                ms(h.http().p50Ms()),
                ms(h.grpc().p50Ms()) + " gRPC",
                String.format(Locale.ROOT, "%.3f (%+.1f ms)", h.p50Ratio(), h.addedMsP50()),
                verdict(h.p50Ratio() <= HttpDoor.TARGET_RATIO, within));
        row(
                md,
                "HTTP vs gRPC, p95 latency",
                ms(h.http().p95Ms()),
                ms(h.grpc().p95Ms()) + " gRPC",
                ratio(h.p95Ratio()),
                "");
        row(
                md,
                "HTTP vs gRPC, same answers (thinking and solution text)",
                h.http().answered() + " requests",
                h.grpc().answered() + " gRPC",
                h.answersDiffering() + " differing",
                verdict(h.answersDiffering() == 0, "0"));
        double floor = 1 / HttpDoor.TARGET_RATIO;
        for (Throughput.Point p : h.throughput()) {
            throughputRow(
                    md,
                    "HTTP vs gRPC throughput, " + p.concurrency() + " in flight (scripted)",
                    new Side("HTTP", p.rps(), p.errors()),
                    new Side("gRPC", p.baselineRps(), p.baselineErrors()),
                    verdict(
                            p.ratio() >= floor,
                            String.format(Locale.ROOT, "≥ %.3f (1 / %.2f)", floor, HttpDoor.TARGET_RATIO)));
            row(
                    md,
                    "HTTP vs gRPC, CPU per request, " + p.concurrency() + " in flight (scripted)",
                    cpu(p.cpuMs()),
                    cpu(p.baselineCpuMs()) + " gRPC",
                    ratio(total(p.cpuMs()) / total(p.baselineCpuMs())),
                    "");
        }
    }

    /** One side of a throughput comparison: its name in the table, its rate and its failed requests. */
    private record Side(String name, double rps, long errors) {}

    /** The measured side's rate against the baseline's, and their errors when there were any. */
    private static void throughputRow(StringBuilder md, String measure, Side side, Side baseline, String target) {
        String errors = side.errors() + baseline.errors() > 0
                ? String.format(
                        " (errors: %s %d, %s %d)", side.name(), side.errors(), baseline.name(), baseline.errors())
                : "";
        row(
                md,
                measure,
                String.format(Locale.ROOT, "%.1f req/s", side.rps()),
                String.format(Locale.ROOT, "%.1f req/s %s", baseline.rps(), baseline.name()),
                ratio(side.rps() / baseline.rps()) + errors,
                target);
    }

    private static String shares(List<FlightRecordings.Share> shares) {
        return String.join(
                ", ",
                shares.stream()
                        .map(s -> String.format(Locale.ROOT, "`%s` %.0f%%", shortName(s.method()), s.percent()))
                        .toList());
    }

    /** Drops the package: {@code a.b.C.m} → {@code C.m}. */
    private static String shortName(String method) {
        int dot = method.lastIndexOf('.', method.lastIndexOf('.') - 1);
        return dot < 0 ? method : method.substring(dot + 1);
    }

    private static void row(
            StringBuilder md, String measure, String mesh, String baseline, String result, String target) {
        md.append("| ")
                .append(String.join(" | ", measure, mesh, baseline, result, target))
                .append(" |\n");
    }

    private static String ms(double v) {
        return String.format(Locale.ROOT, "%.1f ms", v);
    }

    private static String signedMs(double v) {
        return String.format(Locale.ROOT, "%+.2f ms", v);
    }

    private static String ratio(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static String verdict(boolean met, String target) {
        return target + (met ? " ✓" : " ✗ missed");
    }
}
