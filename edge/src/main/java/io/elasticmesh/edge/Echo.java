package io.elasticmesh.edge;

/**
 * Input repeated in an error message, bounded: a long value comes back as its first {@value #MAX_CHARS} characters,
 * an ellipsis and its length, so a reply (and its trailers) stays small whatever was sent.
 */
public final class Echo {

    public static final int MAX_CHARS = 64;

    private Echo() {}

    public static String bounded(String value) {
        if (value.length() <= MAX_CHARS) {
            return value;
        }
        // Never split a surrogate pair: half a character is not valid UTF-8 on the wire.
        int end = Character.isHighSurrogate(value.charAt(MAX_CHARS - 1)) ? MAX_CHARS - 1 : MAX_CHARS;
        return value.substring(0, end) + "… (" + value.length() + " characters)";
    }
}
