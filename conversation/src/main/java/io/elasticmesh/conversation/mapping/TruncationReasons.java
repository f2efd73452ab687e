package io.elasticmesh.conversation.mapping;

import io.elasticmesh.conversation.ThinkingCut;
import io.elasticmesh.proto.reasoning.v1.TruncationReason;

/** Why thinking was cut, domain ↔ proto, the same in every service. */
public final class TruncationReasons {

    private TruncationReasons() {
    }

    public static TruncationReason toProto(ThinkingCut cut) {
        return switch (cut) {
            case NONE -> TruncationReason.TRUNCATION_REASON_UNSPECIFIED;
            case TOKEN_BUDGET -> TruncationReason.TRUNCATION_REASON_TOKEN_BUDGET;
            case DEADLINE -> TruncationReason.TRUNCATION_REASON_DEADLINE;
            case CONTEXT_WINDOW -> TruncationReason.TRUNCATION_REASON_CONTEXT_WINDOW;
        };
    }

    /** A reason this build does not know (a newer peer's) counts as a budget cut: cut, for a reason unnamed here. */
    public static ThinkingCut fromProto(TruncationReason reason) {
        return switch (reason) {
            case TRUNCATION_REASON_UNSPECIFIED -> ThinkingCut.NONE;
            case TRUNCATION_REASON_DEADLINE -> ThinkingCut.DEADLINE;
            case TRUNCATION_REASON_CONTEXT_WINDOW -> ThinkingCut.CONTEXT_WINDOW;
            default -> ThinkingCut.TOKEN_BUDGET;
        };
    }
}
