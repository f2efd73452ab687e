package io.elasticmesh.bench;

import io.elasticmesh.local.LocalMesh;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code ./mesh bench [--quick] [--nmt] [--footprint] [--out DIR] [--work DIR]}: starts the whole mesh (Kafka,
 * Triton with the scripted model and SmolLM2, the four services, the router on bench/tiers.yaml) on free ports with
 * its logs and flight recordings under the work directory (default .mesh/bench), runs every measurement in one
 * process, and writes latest.json and latest.md to the out directory (default bench/results). Progress goes to
 * stderr.
 * {@code --nmt} also runs the services with Native Memory Tracking and reports where their memory goes (it costs
 * them a little memory and CPU, so the runs the README quotes leave it off). {@code --footprint} runs only what the
 * memory rows need and the scripted rows beside them (warm-up, adherence, scripted overhead, throughput with resident
 * memory and CPU): no SmolLM2, HTTP door, shadow evaluation, audit path, prefix reuse or flight recordings, so JVM
 * options can be compared in minutes.
 */
public final class Bench {

    /** 16 tokens (8 thinking, the delimiter, 6 answer, end of sequence) at a fixed per-token delay. */
    private static final Report.Workload SCRIPTED =
            new Report.Workload("think=8 close=yes answer=6 delay_ms=10", 64, 32, 16, 10);

    private static final String SMOLLM2_QUESTION =
            "A farmer has 17 sheep and buys 3 more. How many sheep now? " + "Think it through first.";
    private static final int SMOLLM2_BUDGET = 16;
    private static final int ADHERENCE_CONCURRENCY = 8;

    private Bench() {}

    public static void main(String[] args) throws Exception {
        Scale scale = Scale.full();
        boolean nmt = false;
        boolean footprint = false;
        Path root = Path.of(System.getProperty("mesh.root", System.getenv().getOrDefault("MESH_ROOT", ".")))
                .toAbsolutePath()
                .normalize();
        Path out = root.resolve("bench/results");
        Path work = root.resolve(".mesh/bench");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> scale = Scale.quick();
                case "--nmt" -> nmt = true;
                case "--footprint" -> footprint = true;
                case "--out" -> out = Path.of(args[++i]).toAbsolutePath();
                case "--work" -> work = Path.of(args[++i]).toAbsolutePath();
                default ->
                    throw new IllegalArgumentException("unknown argument '" + args[i]
                            + "'; usage: Bench [--quick] [--nmt] [--footprint] [--out DIR] [--work DIR]");
            }
        }
        Report.write(out, run(root, work, scale, nmt, footprint));
        System.err.println("wrote " + out.resolve("latest.json") + " and " + out.resolve("latest.md"));
    }

    /**
     * @param footprint only the scripted rows and memory: the SmolLM2, HTTP door, audit and prefix-reuse results are
     *     null
     */
    static Report.Results run(Path root, Path work, Scale scale, boolean nmt, boolean footprint) throws Exception {
        long start = System.nanoTime();
        Path recordings = work.resolve("jfr");
        clean(recordings);
        Files.createDirectories(recordings);
        List<String> jvmOptions = new ArrayList<>(FlightRecordings.JVM_OPTIONS);
        if (nmt) {
            jvmOptions.addAll(NativeMemory.JVM_OPTIONS);
        }
        LocalMesh.Options options = LocalMesh.Options.ephemeral(
                        root, work, footprint ? List.of("scripted") : List.of("scripted", "smollm2"))
                .withTiersFile(root.resolve("bench/tiers.yaml"))
                .withServiceJvmOptions(jvmOptions);
        progress("starting the mesh (" + scale.name() + " run)");
        Map<String, Long> pids;
        Overhead.Result scripted;
        Overhead.Result smollm2 = null;
        List<Throughput.Point> throughput = new ArrayList<>();
        HttpDoor.Result httpDoor = null;
        SharedState.Result sharedState = null;
        BudgetAdherence.Result adherence;
        PrefixReuse.Result prefixReuse = null;
        AuditPath.Result audit = null;
        ShadowLoad.Result shadow = null;
        Map<String, Double> memoryMb;
        Map<String, NativeMemory.Summary> nativeMemory = Map.of();
        try (LocalMesh mesh = LocalMesh.start(options);
                Endpoints endpoints = new Endpoints(mesh);
                ResidentMemory memory = new ResidentMemory(mesh.servicePids())) {
            pids = mesh.servicePids();
            Map<String, Long> processes = new LinkedHashMap<>(pids);
            processes.put("triton", mesh.tritonPid());
            // This JVM: the load generator, the direct client and the embedded Kafka broker.
            processes.put("client", ProcessHandle.current().pid());
            CpuTime cpu = new CpuTime(processes);
            Endpoints.Call call = endpoints.scripted(SCRIPTED.directive(), SCRIPTED.t(), SCRIPTED.s());
            Endpoints.Call realModel = endpoints.smollm2(SMOLLM2_QUESTION, SMOLLM2_BUDGET, SMOLLM2_BUDGET);

            progress("warm-up");
            Endpoints.Call warmUp = endpoints.scripted("think=8 close=yes answer=6", 64, 32);
            Overhead.measure(endpoints, warmUp, scale.warmup());
            if (!footprint) {
                Overhead.measure(endpoints, realModel, scale.smollm2Warmup());
            }
            progress("budget adherence: " + scale.adherenceRequests() + " requests");
            long adherenceStart = System.nanoTime();
            adherence = BudgetAdherence.measure(endpoints, scale.adherenceRequests(), ADHERENCE_CONCURRENCY, 42);
            long adherenceMs = (System.nanoTime() - adherenceStart) / 1_000_000;
            progress("overhead, scripted: " + scale.overheadRequests() + " requests each way");
            scripted = Overhead.measure(endpoints, call, scale.overheadRequests());
            if (!footprint) {
                progress("overhead, SmolLM2: " + scale.smollm2Requests() + " requests each way");
                smollm2 = Overhead.measure(endpoints, realModel, scale.smollm2Requests());
            }
            for (int concurrency : Scale.CONCURRENCY) {
                progress("throughput at " + concurrency + " in flight");
                throughput.add(Throughput.measure(
                        endpoints,
                        call,
                        concurrency,
                        scale.throughputRounds(),
                        scale.throughputWindowMs(),
                        memory,
                        cpu));
            }
            if (!footprint) {
                // The door's own code (JSON in and out, RESTEasy), which gRPC's calls leave cold, gets what compiled
                // gRPC's before its rows: as long, at the same concurrency, as the budget adherence run.
                progress("HTTP door warm-up: " + adherenceMs + " ms at " + ADHERENCE_CONCURRENCY + " in flight");
                Throughput.window(ADHERENCE_CONCURRENCY, adherenceMs, () -> endpoints.http(warmUp));
                progress("HTTP door against gRPC Reason: " + scale.overheadRequests() + " pairs, then throughput");
                httpDoor = HttpDoor.measure(
                        endpoints,
                        call,
                        scale.overheadRequests(),
                        scale.throughputRounds(),
                        scale.throughputWindowMs(),
                        memory,
                        cpu);
            }
            // Under gRPC and HTTP load both.
            memoryMb = memory.peakMb();
            if (nmt) {
                nativeMemory = NativeMemory.summaries(pids);
            }
            if (!footprint) {
                progress("flight recordings start (after the memory rows): the sections below are profiled");
                FlightRecordings.start(recordings, pids);
                // Two new routers, each warmed as the HTTP door is.
                progress("shared state against a router alone, two new routers: each warmed " + adherenceMs + " ms at "
                        + ADHERENCE_CONCURRENCY + " in flight, then " + scale.overheadRequests()
                        + " pairs, then throughput");
                sharedState = SharedState.measure(
                        mesh,
                        call,
                        scale.overheadRequests(),
                        scale.throughputRounds(),
                        scale.throughputWindowMs(),
                        adherenceMs,
                        ADHERENCE_CONCURRENCY);
                progress("shadow evaluation under saturating load: " + scale.throughputRounds()
                        + " windows with shadows, as many without");
                shadow = ShadowLoad.measure(
                        endpoints,
                        URI.create("http://127.0.0.1:" + mesh.managementPort("budget-router") + "/q/metrics"),
                        scale.throughputRounds(),
                        scale.throughputWindowMs());
                progress("audit path");
                audit = AuditPath.measure(
                        endpoints,
                        mesh.kafkaBootstrapServers(),
                        URI.create("http://127.0.0.1:" + mesh.managementPort("budget-router") + "/q/metrics"),
                        scale.auditLagProbes(),
                        scale.auditEvents(),
                        scale.auditPathPairs());
                progress("prefix reuse, SmolLM2");
                prefixReuse = PrefixReuse.measure(endpoints, scale.prefixReuseRuns());
            }
            progress("stopping the mesh (the services write their flight recordings)");
        }
        Map<String, FlightRecordings.Profile> profiles = FlightRecordings.read(recordings, pids, 6);
        return new Report.Results(
                footprint ? scale.named(scale.name() + " footprint") : scale,
                Machine.describe(),
                Instant.now(),
                (System.nanoTime() - start) / 1e9,
                SCRIPTED,
                scripted,
                smollm2,
                throughput,
                httpDoor,
                adherence,
                prefixReuse,
                audit,
                memoryMb,
                nativeMemory,
                profiles,
                sharedState,
                shadow);
    }

    private static void clean(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static void progress(String step) {
        System.err.println("==> bench: " + step);
    }
}
