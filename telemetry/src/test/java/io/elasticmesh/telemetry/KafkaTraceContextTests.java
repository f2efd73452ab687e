package io.elasticmesh.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class KafkaTraceContextTests {

    private static final SpanContext SENT = SpanContext.create(
            "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", TraceFlags.getSampled(), TraceState.getDefault());

    @Test
    void consumerReadsTheContextTheProducerWrote() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("tenant", "acme".getBytes(StandardCharsets.UTF_8));

        KafkaTraceContext.inject(Context.root().with(Span.wrap(SENT)), headers);

        assertThat(new String(headers.lastHeader("traceparent").value(), StandardCharsets.UTF_8))
                .isEqualTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        SpanContext received =
                Span.fromContext(KafkaTraceContext.extract(headers)).getSpanContext();
        assertThat(received.getTraceId()).isEqualTo(SENT.getTraceId());
        assertThat(received.getSpanId()).isEqualTo(SENT.getSpanId());
        assertThat(received.isRemote()).isTrue();
    }

    @Test
    void aResentRecordCarriesOnlyTheLatestContext() {
        RecordHeaders headers = new RecordHeaders();
        KafkaTraceContext.inject(Context.root().with(Span.wrap(SENT)), headers);
        SpanContext retry = SpanContext.create(
                SENT.getTraceId(), "00f067aa0ba902b7", TraceFlags.getSampled(), TraceState.getDefault());

        KafkaTraceContext.inject(Context.root().with(Span.wrap(retry)), headers);

        assertThat(headers.headers("traceparent")).hasSize(1);
        assertThat(Span.fromContext(KafkaTraceContext.extract(headers))
                        .getSpanContext()
                        .getSpanId())
                .isEqualTo("00f067aa0ba902b7");
    }

    @Test
    void recordWithoutContextStartsNoTrace() {
        assertThat(Span.fromContext(KafkaTraceContext.extract(new RecordHeaders()))
                        .getSpanContext()
                        .isValid())
                .isFalse();
    }
}
