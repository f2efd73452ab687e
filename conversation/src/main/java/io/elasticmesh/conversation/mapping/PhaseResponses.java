package io.elasticmesh.conversation.mapping;

import io.elasticmesh.conversation.PhaseEvent;
import io.elasticmesh.edge.Limits;
import io.elasticmesh.proto.reasoning.v1.TextDelta;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The gRPC face both phase services share. A phase runs as one stream of text deltas and then its result: the
 * streamed call sends each as it comes, the unary call answers with the result alone. Each service says only how its
 * result reads in proto and how its stream message wraps a delta or the result.
 *
 * @param <T> the phase's domain result
 * @param <R> the unary response, which is also the stream's last message
 * @param <S> the stream message
 */
public final class PhaseResponses<T, R, S> {

    private final Function<? super T, R> response;
    private final Function<TextDelta, S> delta;
    private final Function<R, S> completed;

    public PhaseResponses(Function<? super T, R> response, Function<TextDelta, S> delta, Function<R, S> completed) {
        this.response = response;
        this.delta = delta;
        this.completed = completed;
    }

    /**
     * The phase {@code run} starts once the request id and model are valid names; nothing runs before a subscriber
     * asks, and an invalid request fails the stream (the error policy turns it into the status).
     */
    public static <T> Multi<PhaseEvent<T>> checked(String requestId, String model, Supplier<Multi<PhaseEvent<T>>> run) {
        return Multi.createFrom().deferred(() -> {
            Limits.name("request_id", requestId);
            Limits.name("model", model);
            return run.get();
        });
    }

    public Uni<R> unary(Multi<PhaseEvent<T>> events) {
        return PhaseEvent.resultOf(events).map(response);
    }

    public Multi<S> stream(Multi<PhaseEvent<T>> events) {
        return events.map(this::toStream);
    }

    public S toStream(PhaseEvent<T> event) {
        if (event instanceof PhaseEvent.Delta<T> d) {
            return delta.apply(TextDeltas.toProto(d));
        }
        return completed.apply(response.apply(((PhaseEvent.Done<T>) event).result()));
    }

    public R toResponse(T result) {
        return response.apply(result);
    }
}
