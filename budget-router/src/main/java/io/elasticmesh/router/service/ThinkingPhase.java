package io.elasticmesh.router.service;

/**
 * What the decoder reported; see decoder_service.proto for each field. {@code deadlineCut}: thinking was truncated
 * because its share of the deadline was spent, not its token budget.
 */
public record ThinkingPhase(String prompt, String text, boolean closedByModel, boolean truncated, int promptTokens,
        int tokens, long firstTokenMillis, boolean deadlineCut) {

    /** Why thinking was cut, as metrics and spans name it ({@code token_budget}, {@code deadline}); null if it was not. */
    public String cutReason() {
        return !truncated ? null : deadlineCut ? "deadline" : "token_budget";
    }
}
