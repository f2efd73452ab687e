package io.elasticmesh.conversation.mapping;

import io.elasticmesh.conversation.PhaseEvent;
import io.elasticmesh.proto.reasoning.v1.TextDelta;

/** Streamed text ↔ proto, the same for every phase. */
public final class TextDeltas {

    private TextDeltas() {}

    public static TextDelta toProto(PhaseEvent.Delta<?> delta) {
        return toProto(delta.text(), delta.tokens());
    }

    public static TextDelta toProto(String text, int tokens) {
        return TextDelta.newBuilder().setText(text).setTokens(tokens).build();
    }

    public static <T> PhaseEvent.Delta<T> fromProto(TextDelta delta) {
        return new PhaseEvent.Delta<>(delta.getText(), delta.getTokens());
    }
}
