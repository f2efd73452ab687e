package io.elasticmesh.conversation.mapping;

import io.elasticmesh.conversation.ThinkingCut;
import io.elasticmesh.proto.reasoning.v1.FinishReason;
import io.elasticmesh.proto.reasoning.v1.TruncationReason;

/**
 * Why thinking was cut, domain ↔ proto: the one rule every service reads and writes it by (decoder_service.proto's
 * {@code truncated}, {@code truncation_reason} and {@code finish_reason} of a thinking phase).
 */
public final class TruncationReasons {

    private TruncationReasons() {}

    public static TruncationReason toProto(ThinkingCut cut) {
        return switch (cut) {
            case NONE -> TruncationReason.TRUNCATION_REASON_UNSPECIFIED;
            case TOKEN_BUDGET -> TruncationReason.TRUNCATION_REASON_TOKEN_BUDGET;
            case DEADLINE -> TruncationReason.TRUNCATION_REASON_DEADLINE;
            case CONTEXT_WINDOW -> TruncationReason.TRUNCATION_REASON_CONTEXT_WINDOW;
        };
    }

    /**
     * The cut a thinking response reports: none unless {@code truncated}. A reason this build does not know (a newer
     * peer's), or none given, counts as a budget cut: cut, for a reason unnamed here.
     */
    public static ThinkingCut fromProto(boolean truncated, TruncationReason reason) {
        if (!truncated) {
            return ThinkingCut.NONE;
        }
        return switch (reason) {
            case TRUNCATION_REASON_DEADLINE -> ThinkingCut.DEADLINE;
            case TRUNCATION_REASON_CONTEXT_WINDOW -> ThinkingCut.CONTEXT_WINDOW;
            default -> ThinkingCut.TOKEN_BUDGET;
        };
    }

    /** How a thinking phase ended as the backend saw it: a time cut is no backend finish, so it has none. */
    public static FinishReason finishReason(ThinkingCut cut) {
        return switch (cut) {
            case NONE -> FinishReason.FINISH_REASON_STOP;
            case DEADLINE -> FinishReason.FINISH_REASON_UNSPECIFIED;
            case TOKEN_BUDGET, CONTEXT_WINDOW -> FinishReason.FINISH_REASON_LENGTH;
        };
    }
}
