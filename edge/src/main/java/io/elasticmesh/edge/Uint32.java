package io.elasticmesh.edge;

/**
 * Reads proto {@code uint32} fields. Java holds them in an {@code int}, so a value above 2,147,483,647 arrives
 * negative: it must be read unsigned, and an error must quote it as the client sent it.
 */
public final class Uint32 {

    private Uint32() {}

    /** The value as sent, 0..4,294,967,295. */
    public static long value(int raw) {
        return Integer.toUnsignedLong(raw);
    }

    /**
     * A field that must be in {@code min..max}.
     *
     * @throws InvalidArgument naming the field and its value as sent otherwise
     */
    public static int within(String field, int raw, long min, long max) {
        long value = value(raw);
        if (value < min || value > max) {
            throw new InvalidArgument(
                    field, "must be " + (value < min ? "at least " + min : "at most " + max) + ", was " + value);
        }
        return (int) value;
    }
}
