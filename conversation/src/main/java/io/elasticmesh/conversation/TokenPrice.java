package io.elasticmesh.conversation;

/**
 * What a model's tokens cost, in one currency: the pilot's plan prices its budget points with it, the router's tier
 * file prices a tier's shadow evaluation. A price per GPU-hour at a measured throughput is one per generated token
 * ({@code gpuHour / 3600 / generatedTokensPerSecond}), prompt tokens counted in that time (prefill is far cheaper than
 * decode and not priced apart).
 *
 * @param currency as ops write it (a code such as {@code USD}); a label only, never converted
 * @param promptPerMillion price of a million prompt tokens, 0 or more
 * @param generatedPerMillion price of a million generated (thinking and solution) tokens, 0 or more
 */
public record TokenPrice(String currency, double promptPerMillion, double generatedPerMillion) {

    /** Cost of one answer. */
    public double of(long promptTokens, long generatedTokens) {
        return (promptTokens * promptPerMillion + generatedTokens * generatedPerMillion) / 1e6;
    }
}
