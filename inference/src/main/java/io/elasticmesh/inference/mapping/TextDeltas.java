package io.elasticmesh.inference.mapping;

import io.elasticmesh.inference.triton.PhaseEvent;
import io.elasticmesh.proto.reasoning.v1.TextDelta;

/** Streamed text ↔ proto, the same for every phase. */
public final class TextDeltas {

    private TextDeltas() {
    }

    public static TextDelta toProto(PhaseEvent.Delta<?> delta) {
        return TextDelta.newBuilder().setText(delta.text()).setTokens(delta.tokens()).build();
    }

    public static <T> PhaseEvent.Delta<T> fromProto(TextDelta delta) {
        return new PhaseEvent.Delta<>(delta.getText(), delta.getTokens());
    }
}
