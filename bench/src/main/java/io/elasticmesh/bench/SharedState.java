package io.elasticmesh.bench;

import io.elasticmesh.local.LocalMesh;
import io.elasticmesh.proto.reasoning.v1.BudgetRouterGrpc;
import io.elasticmesh.proto.reasoning.v1.ReasonRequest;
import io.grpc.ManagedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What sharing state between router replicas costs the request path (issue 18): two routers started for this section
 * beside the mesh's, alike but for the shared store. One leases its tenants' quotas from PostgreSQL and takes its
 * share of the tiers' concurrency from the live replicas (the mesh's router among them); the other has no shared
 * store (a router alone, as before). Both are new JVMs warmed alike, so neither is measured while the JIT still
 * compiles its request path, as a new router beside the mesh's long-running one was at first. The same metered
 * request (a tenant with a quota, so the leased path runs) through both, in interleaved pairs, then closed-loop
 * throughput in alternating windows, as {@link HttpDoor} compares its doors.
 */
final class SharedState {

    /** Issue 18's target: shared state adds at most this to the p50 latency. */
    static final double TARGET_ADDED_MS_P50 = 0.5;

    /** bench/tiers.yaml's metered tenant: a quota large enough never to refuse, small enough to lease now and then. */
    static final String TENANT = "bench-metered";

    static final List<Integer> CONCURRENCY = List.of(1, 32);

    /** Two of the routers' heartbeat intervals ({@code router.shared.heartbeat-interval}, 2 s). */
    private static final long HEARTBEATS_MS = 4_000;

    record Result(int requests, HttpDoor.Latency shared, HttpDoor.Latency alone, List<Point> throughput) {

        double addedMsP50() {
            return shared.p50Ms() - alone.p50Ms();
        }
    }

    record Point(int concurrency, double sharedRps, double aloneRps, long sharedErrors, long aloneErrors) {

        double ratio() {
            return sharedRps / aloneRps;
        }
    }

    private SharedState() {}

    /**
     * @param warmUpMs how long each router is warmed, at {@code warmUpConcurrency} in flight, before anything is
     *     measured
     */
    static Result measure(
            LocalMesh mesh,
            Endpoints.Call call,
            int requests,
            int rounds,
            long windowMs,
            long warmUpMs,
            int warmUpConcurrency)
            throws Exception {
        String sharing = mesh.startRouterReplica("bench-shared", Map.of());
        String alone = mesh.startRouterReplica("bench-alone", Map.of("router.shared.jdbc-url", ""));
        ManagedChannel sharedChannel = Endpoints.channel(mesh.grpcPort(sharing));
        ManagedChannel aloneChannel = Endpoints.channel(mesh.grpcPort(alone));
        try {
            ReasonRequest request =
                    call.meshRequest().toBuilder().setTenant(TENANT).build();
            Runnable shared = () -> reason(sharedChannel, request);
            Runnable single = () -> reason(aloneChannel, request);
            Throughput.window(warmUpConcurrency, warmUpMs, shared);
            Throughput.window(warmUpConcurrency, warmUpMs, single);
            Samples sharedSamples = new Samples();
            Samples aloneSamples = new Samples();
            for (int i = 0; i < requests; i++) {
                for (int k = 0; k < 2; k++) {
                    if ((i + k) % 2 == 0) {
                        sharedSamples.time(shared);
                    } else {
                        aloneSamples.time(single);
                    }
                }
            }
            List<Point> throughput = new ArrayList<>();
            for (int concurrency : CONCURRENCY) {
                Throughput.Pair windows = Throughput.alternating(concurrency, rounds, windowMs, shared, single);
                Throughput.Window sharedTotal = windows.first();
                Throughput.Window aloneTotal = windows.second();
                throughput.add(new Point(
                        concurrency, sharedTotal.rps(), aloneTotal.rps(), sharedTotal.errors(), aloneTotal.errors()));
            }
            return new Result(
                    requests, HttpDoor.Latency.of(sharedSamples), HttpDoor.Latency.of(aloneSamples), throughput);
        } finally {
            sharedChannel.shutdownNow();
            aloneChannel.shutdownNow();
            // Gracefully, so the sharing one leaves the live replicas; the mesh's router reads them every heartbeat
            // (2 s) and has its whole share of the tiers again, which the shadow section's four slots need, after two.
            mesh.stopService(sharing);
            mesh.stopService(alone);
            Thread.sleep(HEARTBEATS_MS);
        }
    }

    private static void reason(ManagedChannel channel, ReasonRequest request) {
        BudgetRouterGrpc.newBlockingStub(channel)
                .withDeadlineAfter(2, TimeUnit.MINUTES)
                .reason(request);
    }
}
