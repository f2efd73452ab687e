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
 * What sharing state between router replicas costs the request path (issue 18): the mesh's router, which leases its
 * tenants' quotas from PostgreSQL and takes its share of the tiers' concurrency from the live replicas, against a
 * second router started beside it with no shared store (each router alone, as before). The same metered request
 * (a tenant with a quota, so the leased path runs) through both, in interleaved pairs, then closed-loop throughput
 * in alternating windows, as {@link HttpDoor} compares its doors.
 */
final class SharedState {

    /** Issue 18's target: shared state adds at most this to the p50 latency. */
    static final double TARGET_ADDED_MS_P50 = 0.5;

    /** bench/tiers.yaml's metered tenant: a quota large enough never to refuse, small enough to lease now and then. */
    static final String TENANT = "bench-metered";

    static final List<Integer> CONCURRENCY = List.of(1, 32);

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

    static Result measure(LocalMesh mesh, Endpoints.Call call, int requests, int rounds, long windowMs)
            throws Exception {
        String alone = mesh.startRouterReplica("bench-alone", Map.of("router.shared.jdbc-url", ""));
        ManagedChannel sharedChannel = Endpoints.channel(mesh.routerPort());
        ManagedChannel aloneChannel = Endpoints.channel(mesh.grpcPort(alone));
        try {
            ReasonRequest request =
                    call.meshRequest().toBuilder().setTenant(TENANT).build();
            Runnable shared = () -> reason(sharedChannel, request);
            Runnable single = () -> reason(aloneChannel, request);
            for (int i = 0; i < requests; i++) {
                // The second router's JVM is cold.
                single.run();
            }
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
        }
    }

    private static void reason(ManagedChannel channel, ReasonRequest request) {
        BudgetRouterGrpc.newBlockingStub(channel)
                .withDeadlineAfter(2, TimeUnit.MINUTES)
                .reason(request);
    }
}
