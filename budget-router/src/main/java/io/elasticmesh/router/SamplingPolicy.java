package io.elasticmesh.router;

import io.elasticmesh.conversation.Sampling;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Turns a tier and a request's sampling into the sampling applied to both phases: a value the request sends is kept
 * when the tier's bounds allow it and refused naming the field, the value and the bound otherwise; an absent value
 * takes the tier's default (the pin, when the tier pins it). Never silently changed. Malformed values never get
 * here: {@link Sampling} refuses them (INVALID_ARGUMENT).
 */
public final class SamplingPolicy {

    private SamplingPolicy() {}

    /** @throws SamplingOutOfBounds naming the field, the value sent and the tier's bound */
    public static Sampling apply(Tier tier, Sampling requested) {
        SamplingBounds bounds = tier.sampling();
        return new Sampling(
                pick(Sampling.TEMPERATURE, tier, bounds.temperature(), requested.temperature()),
                pick(Sampling.TOP_P, tier, bounds.topP(), requested.topP()),
                seed(tier, requested.seed()));
    }

    private static OptionalDouble pick(String field, Tier tier, SamplingBounds.Range range, OptionalDouble requested) {
        if (requested.isEmpty()) {
            return range.byDefault();
        }
        double value = requested.getAsDouble();
        if (value >= range.min() && value <= range.max()) {
            return requested;
        }
        String sent = ", was " + Sampling.format(value);
        throw new SamplingOutOfBounds(
                field,
                range.isPinned()
                        ? field + " is pinned to " + range.min() + " on tier '" + tier.name() + "'" + sent
                                + "; leave it out or send " + range.min()
                        : field + " must be within " + range.min() + ".." + range.max() + " on tier '" + tier.name()
                                + "'" + sent);
    }

    private static OptionalLong seed(Tier tier, OptionalLong requested) {
        if (requested.isPresent() && !tier.sampling().seedAllowed()) {
            throw new SamplingOutOfBounds(
                    Sampling.SEED,
                    Sampling.SEED + " is not allowed on tier '" + tier.name() + "', was " + requested.getAsLong()
                            + "; leave it out");
        }
        return requested;
    }
}
