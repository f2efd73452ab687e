package io.elasticmesh.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The router's two doors side by side: the same request through gRPC {@code Reason} and through the OpenAI-compatible
 * {@code POST /v1/chat/completions} (not streamed). Latency in interleaved pairs (gRPC first in even pairs, HTTP first
 * in odd ones), each pair's two answers compared; then closed-loop throughput, one request at a time and
 * {@link #CONCURRENT} in flight, in alternating windows as in {@link Throughput}.
 */
final class HttpDoor {

    /** Issue 17's target: the HTTP door within 1.05 times gRPC, at p50 and in throughput. */
    static final double TARGET_RATIO = 1.05;

    static final List<Integer> CONCURRENCY = List.of(1, 32);

    /** One door's latencies: how many requests it answered, and their quantiles. */
    record Latency(int answered, double p50Ms, double p95Ms) {

        static Latency of(Samples samples) {
            return new Latency(samples.count(), samples.p50Ms(), samples.p95Ms());
        }
    }

    /** @param requests the interleaved pairs sent; {@code answersDiffering} the pairs whose two answers differ */
    record Result(int requests, int answersDiffering, Latency grpc, Latency http, List<Point> throughput) {

        double p50Ratio() {
            return http.p50Ms() / grpc.p50Ms();
        }

        double p95Ratio() {
            return http.p95Ms() / grpc.p95Ms();
        }

        double addedMsP50() {
            return http.p50Ms() - grpc.p50Ms();
        }
    }

    record Point(int concurrency, double grpcRps, double httpRps, long grpcErrors, long httpErrors) {

        /** HTTP over gRPC: within the target when at least {@code 1 / TARGET_RATIO}. */
        double ratio() {
            return httpRps / grpcRps;
        }
    }

    private HttpDoor() {}

    static Result measure(Endpoints endpoints, Endpoints.Call call, int requests, int rounds, long windowMs)
            throws Exception {
        Samples grpc = new Samples();
        Samples http = new Samples();
        int differing = 0;
        for (int i = 0; i < requests; i++) {
            Endpoints.Answer[] answers = new Endpoints.Answer[2];
            for (int k = 0; k < 2; k++) {
                if ((i + k) % 2 == 0) {
                    grpc.time(() -> answers[0] = Endpoints.Answer.of(endpoints.mesh(call)));
                } else {
                    http.time(() -> answers[1] = endpoints.http(call));
                }
            }
            if (!answers[0].equals(answers[1])) {
                differing++;
            }
        }
        List<Point> throughput = new ArrayList<>();
        for (int concurrency : CONCURRENCY) {
            Throughput.Pair windows = Throughput.alternating(
                    concurrency, rounds, windowMs, () -> endpoints.mesh(call), () -> endpoints.http(call));
            Throughput.Window grpcTotal = windows.first();
            Throughput.Window httpTotal = windows.second();
            throughput.add(
                    new Point(concurrency, grpcTotal.rps(), httpTotal.rps(), grpcTotal.errors(), httpTotal.errors()));
        }
        return new Result(requests, differing, Latency.of(grpc), Latency.of(http), throughput);
    }
}
