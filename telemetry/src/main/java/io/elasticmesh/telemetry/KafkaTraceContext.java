package io.elasticmesh.telemetry;

import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.nio.charset.StandardCharsets;
import java.util.stream.StreamSupport;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The trace context of an audit event, carried in its Kafka record's headers as W3C {@code traceparent} (and
 * {@code tracestate}), the same headers the OpenTelemetry Kafka instrumentation writes, so the consumer's span joins
 * the request's trace. For producers and consumers written on plain kafka-clients; the SmallRye Kafka connector
 * does the same by itself.
 */
public final class KafkaTraceContext {

    private static final TextMapPropagator W3C = W3CTraceContextPropagator.getInstance();

    private static final TextMapSetter<Headers> SETTER = (headers, key, value) -> {
        headers.remove(key);
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    };

    private static final TextMapGetter<Headers> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers headers) {
            return StreamSupport.stream(headers.spliterator(), false)
                    .map(Header::key)
                    .toList();
        }

        @Override
        public String get(Headers headers, String key) {
            Header header = headers == null ? null : headers.lastHeader(key);
            return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
        }
    };

    private KafkaTraceContext() {}

    /** Writes {@code context} (normally {@link Context#current()} at send time) into a record's headers. */
    public static void inject(Context context, Headers headers) {
        W3C.inject(context, headers, SETTER);
    }

    /**
     * The context a record was sent under, to parent the consumer's span ({@code spanBuilder.setParent(...)}); the
     * root context when the record carries none.
     */
    public static Context extract(Headers headers) {
        return W3C.extract(Context.root(), headers, GETTER);
    }
}
