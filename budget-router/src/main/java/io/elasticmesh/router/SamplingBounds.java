package io.elasticmesh.router;

import java.util.OptionalDouble;

/**
 * What a tier allows of a request's sampling (the tier file's {@code sampling}): for temperature and top_p a range
 * and a default, for seeds whether a request may send one.
 *
 * @param temperature within 0..2
 * @param topP within 0..1; a default must be above 0
 * @param seedAllowed false refuses a request that sends a seed
 */
public record SamplingBounds(Range temperature, Range topP, boolean seedAllowed) {

    /** The proto's own ranges, no defaults, seeds allowed: what a tier without {@code sampling} applies. */
    public static final SamplingBounds OPEN =
            new SamplingBounds(new Range(0, 2, OptionalDouble.empty()), new Range(0, 1, OptionalDouble.empty()), true);

    /**
     * Values a request may send, {@code min..max} inclusive, and the one applied when it sends none (empty: the
     * model profile's or the backend's). {@code min == max} pins the value: the default is the pin.
     */
    public record Range(double min, double max, OptionalDouble byDefault) {

        public Range {
            if (min == max) {
                byDefault = OptionalDouble.of(min);
            }
            if (!(min <= max)) {
                throw new IllegalArgumentException("min (" + min + ") must be at most max (" + max + ")");
            }
            if (byDefault.isPresent() && !(byDefault.getAsDouble() >= min && byDefault.getAsDouble() <= max)) {
                throw new IllegalArgumentException(
                        "default (" + byDefault.getAsDouble() + ") must be within " + min + ".." + max);
            }
        }

        /** The one value of {@code pin}: a request may send only it, and gets it when it sends nothing. */
        public static Range pinned(double pin) {
            return new Range(pin, pin, OptionalDouble.of(pin));
        }

        public boolean isPinned() {
            return min == max;
        }
    }

    public SamplingBounds {
        within("temperature", temperature, 0, 2);
        within("top-p", topP, 0, 1);
        if (topP.byDefault().orElse(1) <= 0 || topP.max() <= 0) {
            throw new IllegalArgumentException("top-p: max and default must be above 0 (top_p 0 keeps no token)");
        }
    }

    private static void within(String field, Range range, double min, double max) {
        if (range.min() < min || range.max() > max) {
            throw new IllegalArgumentException(field + ": min and max must be within " + min + ".." + max + ", were "
                    + range.min() + ".." + range.max());
        }
    }
}
