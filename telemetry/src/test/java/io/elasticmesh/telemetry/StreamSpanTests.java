package io.elasticmesh.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.smallrye.mutiny.Multi;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StreamSpanTests {

    private final List<SpanData> ended = new CopyOnWriteArrayList<>();
    private final SdkTracerProvider provider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(new SpanExporter() {
                @Override
                public CompletableResultCode export(Collection<SpanData> spans) {
                    ended.addAll(spans);
                    return CompletableResultCode.ofSuccess();
                }

                @Override
                public CompletableResultCode flush() {
                    return CompletableResultCode.ofSuccess();
                }

                @Override
                public CompletableResultCode shutdown() {
                    return CompletableResultCode.ofSuccess();
                }
            }))
            .build();
    private final Tracer tracer = provider.get("test");

    @AfterEach
    void close() {
        provider.close();
    }

    private SpanData named(String name) {
        return ended.stream().filter(s -> s.getName().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void spanEndsWhenTheStreamCompletesNotWhenItIsBuilt() {
        Multi<Integer> stream = StreamSpan.around(
                tracer.spanBuilder("phase"),
                span -> Multi.createFrom().items(1, 2, 3).invoke(i -> span.setAttribute("last", i)));
        assertThat(ended).isEmpty();

        assertThat(stream.collect().asList().await().atMost(Duration.ofSeconds(5)))
                .containsExactly(1, 2, 3);

        assertThat(ended).hasSize(1);
        assertThat(named("phase").getAttributes().get(io.opentelemetry.api.common.AttributeKey.longKey("last")))
                .isEqualTo(3L);
        assertThat(named("phase").getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    }

    @Test
    void callsTheStreamStartsAreChildrenAndItsParentIsTheContextWhereItWasBuilt() {
        Span request = tracer.spanBuilder("request").startSpan();
        Multi<String> first;
        Multi<String> second;
        try (Scope ignored = request.makeCurrent()) {
            first = StreamSpan.around(
                    tracer.spanBuilder("thinking"),
                    span -> Multi.createFrom().deferred(() -> {
                        // what a gRPC client interceptor sees when the call starts, at subscription
                        Span.current()
                                .setAttribute(
                                        "seen", Span.current().getSpanContext().getSpanId());
                        return Multi.createFrom().item("thought");
                    }));
            second = StreamSpan.around(
                    tracer.spanBuilder("solution"), span -> Multi.createFrom().item("answer"));
        }
        // Subscribed one after the other, outside the request's scope, as a pipeline would.
        first.collect().asList().await().indefinitely();
        assertThat(Span.current().getSpanContext().isValid()).isFalse();
        second.collect().asList().await().indefinitely();
        request.end();

        SpanData thinking = named("thinking");
        assertThat(thinking.getParentSpanId())
                .isEqualTo(request.getSpanContext().getSpanId());
        assertThat(named("solution").getParentSpanId())
                .isEqualTo(request.getSpanContext().getSpanId());
        assertThat(thinking.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("seen")))
                .isEqualTo(thinking.getSpanId());
        assertThat(thinking.getTraceId()).isEqualTo(request.getSpanContext().getTraceId());
    }

    @Test
    void failedStreamEndsItsSpanAsAnError() {
        Multi<Object> failing = StreamSpan.around(
                tracer.spanBuilder("phase"),
                span -> Multi.createFrom().failure(new IllegalStateException("Triton went away")));

        assertThatThrownBy(() -> failing.collect().asList().await().atMost(Duration.ofSeconds(5)))
                .hasMessage("Triton went away");

        SpanData span = named("phase");
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(span.getStatus().getDescription()).isEqualTo("Triton went away");
        assertThat(span.getAttributes().get(TraceAttributes.ERROR_TYPE))
                .isEqualTo(IllegalStateException.class.getName());
    }

    @Test
    void cancelledStreamEndsItsSpan() {
        Multi<Long> endless = StreamSpan.around(
                tracer.spanBuilder("phase"), span -> Multi.createFrom().ticks().every(Duration.ofMillis(10)));

        assertThat(endless.select().first(2).collect().asList().await().atMost(Duration.ofSeconds(5)))
                .hasSize(2);

        assertThat(ended).extracting(SpanData::getName).containsExactly("phase");
    }
}
