package io.elasticmesh.router;

import java.util.Optional;

/**
 * An answered request and its shadow, the re-run with the tier's larger shadow thinking budget: what the mesh records
 * of a shadow evaluation (a log line and the tier's shadow metrics).
 *
 * @param requestId the answered request's id
 * @param agree whether the two final answers match ({@link io.elasticmesh.conversation.Answers#agree})
 * @param answer the answered request's cost
 * @param shadow the shadow's cost
 */
public record ShadowPair(String requestId, Tier tier, boolean agree, Run answer, Run shadow) {

    /**
     * What one of the two runs cost.
     *
     * @param thinkingTokens tokens thought
     * @param generatedTokens thinking and solution tokens
     * @param millis time to the answer, milliseconds: the request's from its admission (any wait for its slot
     *     included), the shadow's from taking its slot
     * @param cost in the tier's price's currency; empty when the tier has no price
     */
    public record Run(int thinkingTokens, long generatedTokens, long millis, Optional<Double> cost) {}

    /** The record's log line: {@code key=value} pairs, one line per pair. */
    @Override
    public String toString() {
        return "shadow request_id=" + requestId + " tier=" + tier.name() + " agree=" + agree
                + " thinking_tokens=" + answer.thinkingTokens() + " shadow_thinking_tokens=" + shadow.thinkingTokens()
                + " generated_tokens=" + answer.generatedTokens() + " shadow_generated_tokens="
                + shadow.generatedTokens() + " ms=" + answer.millis() + " shadow_ms=" + shadow.millis()
                + answer.cost().map(c -> " cost=" + c).orElse("")
                + shadow.cost().map(c -> " shadow_cost=" + c).orElse("")
                + tier.price().map(p -> " currency=" + p.currency()).orElse("");
    }
}
