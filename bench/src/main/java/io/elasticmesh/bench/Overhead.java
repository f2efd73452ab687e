package io.elasticmesh.bench;

import java.util.List;

/**
 * The same requests through the mesh (unary Reason, and StreamReason read to its end), through the minimal direct
 * client (the two Triton calls of Elastic Reasoning) and as one plain Triton call with max_tokens = t + s,
 * interleaved in one loop so that all four see the same machine load. The call order rotates so that none always
 * runs first after the others.
 */
final class Overhead {

    /**
     * Latency quantiles of the four ways, in milliseconds.
     *
     * @param streamFirstTokenP50Ms StreamReason's first thinking delta; {@code directFirstTokenP50Ms} is the direct
     *     client's first thinking token
     */
    record Result(
            int requests,
            double meshP50Ms,
            double meshP99Ms,
            double directP50Ms,
            double directP99Ms,
            double singleP50Ms,
            double singleP99Ms,
            double streamP50Ms,
            double streamP99Ms,
            double streamFirstTokenP50Ms,
            double directFirstTokenP50Ms) {

        double p50Ratio() {
            return meshP50Ms / directP50Ms;
        }

        double p99Ratio() {
            return meshP99Ms / directP99Ms;
        }

        double addedMsP50() {
            return meshP50Ms - directP50Ms;
        }

        double singleCallP50Ratio() {
            return meshP50Ms / singleP50Ms;
        }

        double streamP50Ratio() {
            return streamP50Ms / directP50Ms;
        }

        double streamFirstTokenAddedMsP50() {
            return streamFirstTokenP50Ms - directFirstTokenP50Ms;
        }
    }

    private Overhead() {}

    static Result measure(Endpoints endpoints, Endpoints.Call call, int requests) {
        Samples mesh = new Samples();
        Samples direct = new Samples();
        Samples directFirstToken = new Samples();
        Samples single = new Samples();
        Samples stream = new Samples();
        Samples streamFirstToken = new Samples();
        List<Runnable> ways = List.of(
                () -> mesh.time(() -> endpoints.mesh(call)),
                () -> direct.time(
                        () -> directFirstToken.add(endpoints.direct(call).firstThinkingTokenNanos())),
                () -> single.time(() -> endpoints.single(call)),
                () -> {
                    Endpoints.Streamed streamed = endpoints.meshStreamed(call);
                    stream.add(streamed.totalNanos());
                    streamFirstToken.add(streamed.firstTokenNanos());
                });
        for (int i = 0; i < requests; i++) {
            for (int k = 0; k < ways.size(); k++) {
                ways.get((i + k) % ways.size()).run();
            }
        }
        return new Result(
                requests,
                mesh.p50Ms(),
                mesh.p99Ms(),
                direct.p50Ms(),
                direct.p99Ms(),
                single.p50Ms(),
                single.p99Ms(),
                stream.p50Ms(),
                stream.p99Ms(),
                streamFirstToken.p50Ms(),
                directFirstToken.p50Ms());
    }
}
