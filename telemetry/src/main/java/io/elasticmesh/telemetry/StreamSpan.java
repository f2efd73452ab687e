package io.elasticmesh.telemetry;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.smallrye.mutiny.Multi;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * A span that lasts as long as a stream: it starts when the stream is subscribed, is current while the stream is
 * built and subscribed (so a call the stream starts, a gRPC call included, is its child and carries its context),
 * and ends when the stream completes, fails or is cancelled.
 * <p>
 * Quarkus' {@code @WithSpan} also ends a {@code Multi}'s span when the stream terminates, but it leaves the span
 * current on the calling thread until then, so a sibling started meanwhile (the solution phase, started when the
 * thinking stream emits its last event) would become its child. Here the parent is the context current when the
 * stream is assembled, and nothing stays current after subscription.
 */
public final class StreamSpan {

    private static final Executor DIRECT = Runnable::run;

    private StreamSpan() {}

    /**
     * @param span the span to start, under the context current now; subscribe the result once
     * @param stream builds the stream; may set attributes on the span as events pass
     */
    public static <T> Multi<T> around(SpanBuilder span, Function<Span, Multi<T>> stream) {
        Context parent = Context.current();
        return Multi.createFrom().deferred(() -> {
            Span started = span.setParent(parent).startSpan();
            Context context = parent.with(started);
            Multi<T> upstream;
            try (Scope ignored = context.makeCurrent()) {
                upstream = stream.apply(started);
            } catch (RuntimeException e) {
                end(started, e);
                throw e;
            }
            return upstream.runSubscriptionOn(context.wrap(DIRECT))
                    .onTermination()
                    .invoke((failure, cancelled) -> end(started, failure));
        });
    }

    private static void end(Span span, Throwable failure) {
        if (failure != null) {
            span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
            span.setAttribute(TraceAttributes.ERROR_TYPE, failure.getClass().getName());
            span.recordException(failure);
        }
        span.end();
    }
}
