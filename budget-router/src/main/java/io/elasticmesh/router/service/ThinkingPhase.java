package io.elasticmesh.router.service;

/** What the decoder reported; see decoder_service.proto for each field. */
public record ThinkingPhase(String prompt, String text, boolean closedByModel, boolean truncated, int promptTokens,
        int tokens, long firstTokenMillis) {
}
