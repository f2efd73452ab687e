package io.elasticmesh.conversation;

import java.util.Locale;

/** Why the thinking phase was cut before the model closed it (common.proto TruncationReason). */
public enum ThinkingCut {
    /** Not cut: the model closed thinking, or ended. */
    NONE,
    /** The thinking budget t ran out. */
    TOKEN_BUDGET,
    /** The phase's share of the deadline ran out. */
    DEADLINE,
    /** The model's context window ended thinking before t: t was lowered to fit, or the backend's window cut it. */
    CONTEXT_WINDOW;

    /** As metrics, spans and the audit CLI name it ({@code token_budget}, …); null when not cut. */
    public String label() {
        return this == NONE ? null : name().toLowerCase(Locale.ROOT);
    }
}
