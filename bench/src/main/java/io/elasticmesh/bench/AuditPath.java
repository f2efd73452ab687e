package io.elasticmesh.bench;

import com.google.protobuf.Timestamp;
import io.elasticmesh.cli.AuditEvents;
import io.elasticmesh.proto.audit.v1.AuditEvent;
import io.elasticmesh.proto.audit.v1.GetAuditEventRequest;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The audit path as it is: budget-router spools a cut request's event and a sender thread publishes it to Kafka,
 * audit-service consumes and stores it and serves it by request id.
 * <ul>
 * <li>lag: cut requests through the mesh; each event's {@code occurred_at} (router clock) to the moment
 * {@code GetAuditEvent} first finds it, polled every millisecond (same machine, same clock);
 * <li>events per second: what Kafka and audit-service take in, produced straight to the router's topic with the
 * router's producer settings (the mesh cannot cut 5,000 requests a second on this machine), from the first send
 * to the last event being found (one key, so one partition, consumed in order);
 * <li>request-path cost: the router's own timing of the request path's audit step
 * ({@code elastic_audit_publish_seconds}, p50 and p99 over its last two minutes: the lag probes and the pairs below)
 * next to the disk's share of it ({@code elastic_audit_spool_sync_seconds}, one group's write and fsync), and, as a
 * check from outside, interleaved pairs of requests with the same token counts, one cut (audited) and one not.
 * </ul>
 */
final class AuditPath {

    private static final String TOPIC = "elastic.audit.events.v1";
    private static final Duration FIND_TIMEOUT = Duration.ofSeconds(60);

    /**
     * @param eventsPerS events produced over the time until audit-service had the last of them
     * @param producedPerS the same events over the time until the broker had acknowledged all of them: when it is
     *     much higher than {@code eventsPerS}, the consumer is the bottleneck
     * @param publishP99Ms p99 of the time requests spent publishing their audit event, as the router measures it
     * @param syncP99Ms p99 of the spool's group write and fsync, the disk's share of it
     * @param pairsDiffMsP50 p50 of the cut requests minus p50 of the uncut ones ({@code pairsDiffMsP99} likewise)
     */
    record Result(
            double eventsPerS,
            double producedPerS,
            int eventsProduced,
            int eventsMissing,
            int lagProbes,
            double lagP50Ms,
            double lagP99Ms,
            double publishP50Ms,
            double publishP99Ms,
            double syncP99Ms,
            int pathPairs,
            double pairsDiffMsP50,
            double pairsDiffMsP99) {}

    private AuditPath() {}

    /** @param routerMetrics the router's Prometheus endpoint */
    static Result measure(
            Endpoints endpoints, String kafkaBootstrap, URI routerMetrics, int lagProbes, int events, int pathPairs)
            throws Exception {
        Samples lag = lag(endpoints, lagProbes, 4);
        int[] missing = new int[1];
        double[] rates = ingestRates(endpoints, kafkaBootstrap, events, missing);
        Samples cut = new Samples();
        Samples notCut = new Samples();
        // Both think 8 tokens and answer 6: the cut one because t = 8 stops it, the other closes at its 8th token.
        Endpoints.Call cutCall = endpoints.scripted("think=8 close=no answer=6 delay_ms=0", 8, 32);
        Endpoints.Call closedCall = endpoints.scripted("think=7 close=yes answer=6 delay_ms=0", 8, 32);
        for (int i = 0; i < pathPairs; i++) {
            boolean cutFirst = i % 2 == 0;
            for (int k = 0; k < 2; k++) {
                if (cutFirst == (k == 0)) {
                    cut.time(() -> expectCut(endpoints.mesh(cutCall), true));
                } else {
                    notCut.time(() -> expectCut(endpoints.mesh(closedCall), false));
                }
            }
        }
        String metrics = Endpoints.scrape(routerMetrics);
        return new Result(
                rates[1],
                rates[0],
                events,
                missing[0],
                lagProbes,
                lag.p50Ms(),
                lag.p99Ms(),
                quantileMs(metrics, "elastic_audit_publish_seconds", "0.5"),
                quantileMs(metrics, "elastic_audit_publish_seconds", "0.99"),
                quantileMs(metrics, "elastic_audit_spool_sync_seconds", "0.99"),
                pathPairs,
                cut.p50Ms() - notCut.p50Ms(),
                cut.p99Ms() - notCut.p99Ms());
    }

    /** A summary's quantile in a Prometheus exposition, in milliseconds. */
    private static double quantileMs(String metrics, String summary, String quantile) {
        String series = summary + "{quantile=\"" + quantile + "\"";
        return metrics.lines()
                .filter(line -> line.startsWith(series))
                .findFirst()
                .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) * 1000)
                .orElseThrow(() -> new IllegalStateException("the router exports no " + series + "}"));
    }

    private static void expectCut(ReasonResponse reply, boolean cut) {
        if (reply.getThinkingTruncated() != cut || reply.getUsage().getThinkingTokens() != 8) {
            throw new IllegalStateException("the audit pair is not like for like: " + reply.getUsage());
        }
    }

    private static Samples lag(Endpoints endpoints, int probes, int concurrency) throws Exception {
        Samples lag = new Samples();
        Endpoints.Call call = endpoints.scripted("think=4 close=no answer=2 delay_ms=0", 2, 8);
        ExecutorService clients = Executors.newFixedThreadPool(concurrency);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                int share = probes / concurrency + (w < probes % concurrency ? 1 : 0);
                running.add(clients.submit(() -> {
                    for (int i = 0; i < share; i++) {
                        AuditEvent event = find(endpoints, endpoints.mesh(call).getRequestId());
                        Instant found = Instant.now();
                        Timestamp at = event.getOccurredAt();
                        lag.add((found.getEpochSecond() - at.getSeconds()) * 1_000_000_000L
                                + found.getNano()
                                - at.getNanos());
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            clients.shutdownNow();
        }
        return lag;
    }

    /** @return events per second acknowledged by the broker, and found in audit-service */
    private static double[] ingestRates(Endpoints endpoints, String bootstrap, int events, int[] missing) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        String run = UUID.randomUUID().toString();
        Endpoints.Call cutCall = endpoints.scripted("think=64 close=no answer=2 delay_ms=0", 64, 8);
        ReasonResponse cut = endpoints.mesh(cutCall);
        List<String> ids = new ArrayList<>(events);
        // Built before the clock starts: the rate is the broker's and audit-service's, not this harness's.
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>(events);
        for (int i = 0; i < events; i++) {
            String id = "bench-" + run + "-" + i;
            ids.add(id);
            // A real cut reply (64 thinking tokens) under a new request id, as the router would record it.
            AuditEvent event = AuditEvent.newBuilder()
                    .setEventId(UUID.randomUUID().toString())
                    .setOccurredAt(
                            Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond()))
                    .setTenant("bench-audit")
                    .setRequest(cutCall.meshRequest())
                    .setResponse(cut.toBuilder().setRequestId(id))
                    .build();
            records.add(new ProducerRecord<>(TOPIC, event.getTenant(), event.toByteArray()));
        }
        long start;
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            start = System.nanoTime();
            records.forEach(producer::send);
            producer.flush();
        }
        double produced = (System.nanoTime() - start) / 1e9;
        find(endpoints, ids.get(ids.size() - 1));
        double found = (System.nanoTime() - start) / 1e9;
        Random random = new Random(7);
        for (int i = 0; i < Math.min(50, events); i++) {
            try {
                endpoints
                        .audit
                        .withDeadlineAfter(5, TimeUnit.SECONDS)
                        .getAuditEvent(GetAuditEventRequest.newBuilder()
                                .setRequestId(ids.get(random.nextInt(events)))
                                .build());
            } catch (StatusRuntimeException e) {
                missing[0]++;
            }
        }
        return new double[] {events / produced, events / found};
    }

    /** Polls audit-service every millisecond until it has the event of {@code requestId}. */
    private static AuditEvent find(Endpoints endpoints, String requestId) {
        return AuditEvents.await(endpoints.audit, requestId, FIND_TIMEOUT, Duration.ofMillis(1));
    }
}
