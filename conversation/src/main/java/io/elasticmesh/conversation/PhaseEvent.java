package io.elasticmesh.conversation;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.util.function.Function;

/**
 * What a streamed generation phase emits: text deltas, then its result once.
 *
 * @param <T> the phase's result
 */
public sealed interface PhaseEvent<T> {

    /**
     * Text released since the previous delta (never part of a stop string).
     *
     * @param tokens tokens the backend generated since the previous delta, held-back text included
     */
    record Delta<T>(String text, int tokens) implements PhaseEvent<T> {}

    /** The last event. */
    record Done<T>(T result) implements PhaseEvent<T> {}

    /** The same event with the result turned into {@code R}; deltas pass unchanged. */
    default <R> PhaseEvent<R> mapResult(Function<? super T, ? extends R> mapper) {
        if (this instanceof Delta<T> delta) {
            return new Delta<>(delta.text(), delta.tokens());
        }
        return new Done<>(mapper.apply(((Done<T>) this).result()));
    }

    /** The result of a phase whose deltas nobody needs: the unary form of a streamed phase. */
    @SuppressWarnings("unchecked")
    static <T> Uni<T> resultOf(Multi<PhaseEvent<T>> events) {
        return events.select().last().toUni().map(last -> ((Done<T>) last).result());
    }
}
