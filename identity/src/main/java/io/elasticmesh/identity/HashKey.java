package io.elasticmesh.identity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The stored form of an API key: {@code sha256:<64 lowercase hex digits>} of the key's UTF-8 bytes, the same as
 * {@code printf %s "$KEY" | sha256sum} with the prefix added. Keys are never stored or logged in clear.
 *
 * <p>For ops, {@code java -cp identity.jar io.elasticmesh.identity.HashKey} reads the key from standard input (so it
 * stays out of shell history and {@code ps}) and prints its stored form; a key given as the only argument is hashed
 * instead.
 */
public final class HashKey {

    public static final String PREFIX = "sha256:";
    private static final int DIGEST_BYTES = 32;

    private HashKey() {}

    /** The stored form of {@code key}. */
    public static String of(String key) {
        return PREFIX + HexFormat.of().formatHex(digest(key));
    }

    static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /**
     * The digest inside a stored form.
     *
     * @throws IllegalArgumentException with a reason that does not repeat the value
     */
    static byte[] parse(String stored) {
        String hex = stored.startsWith(PREFIX) ? stored.substring(PREFIX.length()) : null;
        if (hex == null || hex.length() != 2 * DIGEST_BYTES || !hex.chars().allMatch(HashKey::isHexDigit)) {
            throw new IllegalArgumentException("must be '" + PREFIX + "' followed by " + 2 * DIGEST_BYTES
                    + " hex digits (hash a key with io.elasticmesh.identity.HashKey)");
        }
        return HexFormat.of().parseHex(hex);
    }

    private static boolean isHexDigit(int c) {
        return Character.digit(c, 16) >= 0 && c < 128;
    }

    public static void main(String[] args) throws IOException {
        if (args.length > 1) {
            System.err.println("usage: HashKey [key]   (without an argument the key is read from standard input)");
            System.exit(2);
        }
        String key =
                args.length == 1 ? args[0] : stripLineEnd(new String(System.in.readAllBytes(), StandardCharsets.UTF_8));
        System.out.println(of(key));
    }

    // `echo "$KEY" | HashKey` must give the same hash as `printf %s "$KEY" | HashKey`.
    static String stripLineEnd(String input) {
        return input.replaceFirst("\r?\n$", "");
    }
}
