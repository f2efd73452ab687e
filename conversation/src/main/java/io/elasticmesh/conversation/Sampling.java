package io.elasticmesh.conversation;

import io.elasticmesh.edge.InvalidArgument;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Sampling settings of one request, the same for both phases (common.proto {@code Sampling}). A field left empty
 * takes a default further down: the tier's, then the model profile's temperature, the backend's top_p (1) and a
 * random seed. Values are single-precision on the wire ({@code float}) and held as the decimal they stand for.
 *
 * @param temperature 0 or more; 0 is greedy
 * @param topP in (0, 1]
 * @param seed 0..4,294,967,295 (a uint32)
 * @throws InvalidArgument naming the field ({@code sampling.temperature} …) and the value of a malformed setting
 */
public record Sampling(OptionalDouble temperature, OptionalDouble topP, OptionalLong seed) {

    public static final String TEMPERATURE = "sampling.temperature";
    public static final String TOP_P = "sampling.top_p";
    public static final String SEED = "sampling.seed";

    /** No settings: every default applies. */
    public static final Sampling NONE =
            new Sampling(OptionalDouble.empty(), OptionalDouble.empty(), OptionalLong.empty());

    public Sampling {
        temperature.ifPresent(t -> {
            if (!Double.isFinite(t) || t < 0) {
                throw new InvalidArgument(TEMPERATURE, "must be a finite number of 0 or more, was " + format(t));
            }
        });
        topP.ifPresent(p -> {
            if (!Double.isFinite(p) || p <= 0 || p > 1) {
                throw new InvalidArgument(TOP_P, "must be above 0 and at most 1, was " + format(p));
            }
        });
        seed.ifPresent(s -> {
            if (s < 0 || s > 0xFFFF_FFFFL) {
                throw new InvalidArgument(SEED, "must be 0..4294967295, was " + s);
            }
        });
    }

    /** A value as the client sent it: the float it was on the wire. */
    public static String format(double value) {
        return Float.toString((float) value);
    }
}
