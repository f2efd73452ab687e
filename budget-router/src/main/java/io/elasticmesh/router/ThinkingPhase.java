package io.elasticmesh.router;

import io.elasticmesh.conversation.ThinkingCut;

/**
 * What the decoder reported; see decoder_service.proto for each field.
 *
 * @param cut why thinking was cut; {@link ThinkingCut#NONE} when the model closed it (or ended)
 * @param budgetTokens the thinking budget the decoder applied: lower than the admitted one when it was lowered to
 *     fit the context window; 0 from a decoder that does not say
 */
public record ThinkingPhase(
        String prompt,
        String text,
        boolean closedByModel,
        ThinkingCut cut,
        int promptTokens,
        int tokens,
        long firstTokenMillis,
        int budgetTokens) {

    /** Thinking was cut before the model closed it. */
    public boolean truncated() {
        return cut != ThinkingCut.NONE;
    }

    /** Why thinking was cut, as metrics and spans name it ({@code token_budget}, {@code deadline}, …), or null. */
    public String cutReason() {
        return cut.label();
    }
}
