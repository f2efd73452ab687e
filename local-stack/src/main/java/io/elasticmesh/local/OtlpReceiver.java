package io.elasticmesh.local;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A real OTLP/gRPC trace receiver on loopback (the collector's {@code TraceService.Export}) that keeps every span
 * it is sent, so a test can assert one trace across the mesh's processes. Point a service at it with
 * {@code quarkus.otel.exporter.otlp.endpoint=}{@link #endpoint()}.
 */
public final class OtlpReceiver implements AutoCloseable {

    /** One received span, flattened for assertions; ids in lower-case hex as OTel prints them. */
    public record ReceivedSpan(
            String service,
            String name,
            Span.SpanKind kind,
            String traceId,
            String spanId,
            String parentSpanId,
            Map<String, AnyValue> attributes,
            boolean error) {

        public String string(String key) {
            return Optional.ofNullable(attributes.get(key))
                    .map(AnyValue::getStringValue)
                    .orElse(null);
        }

        public Long number(String key) {
            return Optional.ofNullable(attributes.get(key))
                    .map(AnyValue::getIntValue)
                    .orElse(null);
        }

        public Boolean flag(String key) {
            return Optional.ofNullable(attributes.get(key))
                    .map(AnyValue::getBoolValue)
                    .orElse(null);
        }

        public List<String> strings(String key) {
            return Optional.ofNullable(attributes.get(key))
                    .map(v -> v.getArrayValue().getValuesList().stream()
                            .map(AnyValue::getStringValue)
                            .toList())
                    .orElse(null);
        }
    }

    private static final HexFormat HEX = HexFormat.of();

    private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();
    private final Server server;

    private OtlpReceiver() {
        server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .addService(new TraceServiceGrpc.TraceServiceImplBase() {
                    @Override
                    public void export(
                            ExportTraceServiceRequest request, StreamObserver<ExportTraceServiceResponse> response) {
                        request.getResourceSpansList().forEach(OtlpReceiver.this::keep);
                        response.onNext(ExportTraceServiceResponse.getDefaultInstance());
                        response.onCompleted();
                    }
                })
                .build();
    }

    public static OtlpReceiver start() {
        OtlpReceiver receiver = new OtlpReceiver();
        try {
            receiver.server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the OTLP receiver", e);
        }
        return receiver;
    }

    /** The OTLP/gRPC endpoint, for {@code quarkus.otel.exporter.otlp.endpoint}. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getPort();
    }

    private void keep(ResourceSpans resourceSpans) {
        String service = attribute(resourceSpans.getResource(), "service.name");
        for (ScopeSpans scope : resourceSpans.getScopeSpansList()) {
            for (Span span : scope.getSpansList()) {
                spans.add(new ReceivedSpan(
                        service,
                        span.getName(),
                        span.getKind(),
                        HEX.formatHex(span.getTraceId().toByteArray()),
                        HEX.formatHex(span.getSpanId().toByteArray()),
                        HEX.formatHex(span.getParentSpanId().toByteArray()),
                        span.getAttributesList().stream()
                                .collect(Collectors.toMap(KeyValue::getKey, KeyValue::getValue, (a, b) -> b)),
                        span.getStatus().getCode()
                                == io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR));
            }
        }
    }

    private static String attribute(Resource resource, String key) {
        return resource.getAttributesList().stream()
                .filter(kv -> kv.getKey().equals(key))
                .findFirst()
                .map(kv -> kv.getValue().getStringValue())
                .orElse("");
    }

    /** Every span received so far. */
    public List<ReceivedSpan> spans() {
        return List.copyOf(spans);
    }

    /**
     * The spans of one trace once {@code complete} holds for them (spans arrive in batches, per process).
     *
     * @throws AssertionError when they are not complete within {@code timeout}, listing what arrived
     */
    public List<ReceivedSpan> awaitTrace(String traceId, Predicate<List<ReceivedSpan>> complete, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<ReceivedSpan> trace =
                    spans.stream().filter(s -> s.traceId().equals(traceId)).toList();
            if (complete.test(trace)) {
                return trace;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("trace " + traceId + " incomplete after " + timeout + "; received: "
                        + trace.stream().map(s -> s.service() + ":" + s.name()).toList());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    @Override
    public void close() {
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
