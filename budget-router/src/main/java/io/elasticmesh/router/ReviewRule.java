package io.elasticmesh.router;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which of a tier's cut requests a person must review (the tier file's {@code review}): none, a sample, or every cut
 * one. A sample is drawn from the request id's SHA-256, never from a random number, so every replica, and a replay of
 * the same request id, decides the same.
 *
 * @param fraction of the cut requests selected, 0 to 1: {@code none} is 0, {@code all-cut} is 1 (as is
 *     {@code sample 1})
 */
public record ReviewRule(double fraction) {

    /** The default: nothing is sent to review automatically. */
    public static final ReviewRule NONE = new ReviewRule(0);

    public static final ReviewRule ALL_CUT = new ReviewRule(1);

    private static final Pattern SAMPLE = Pattern.compile("sample ([0-9]+(?:\\.[0-9]+)?)");

    public ReviewRule {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("the fraction reviewed must be 0 to 1, was " + fraction);
        }
    }

    /**
     * The rule as the tier file writes it: {@code none}, {@code sample <fraction>} or {@code all-cut}.
     *
     * @throws IllegalArgumentException listing the forms allowed and echoing the text
     */
    public static ReviewRule parse(String text) {
        if (text.equals("none")) {
            return NONE;
        }
        if (text.equals("all-cut")) {
            return ALL_CUT;
        }
        Matcher sample = SAMPLE.matcher(text);
        double fraction = sample.matches() ? Double.parseDouble(sample.group(1)) : 0;
        if (fraction <= 0 || fraction > 1) {
            throw new IllegalArgumentException(
                    "must be 'none', 'sample <fraction>' with 0 < fraction <= 1, or 'all-cut', was '" + text + "'");
        }
        return new ReviewRule(fraction);
    }

    /** Whether the request {@code requestId}, whose thinking was or was not cut, must be read by a person. */
    public boolean requires(String requestId, boolean thinkingCut) {
        return thinkingCut && fraction > 0 && point(requestId) < fraction;
    }

    /** As the tier file writes it: {@code none}, {@code sample 0.25} or {@code all-cut}. */
    @Override
    public String toString() {
        if (fraction == 0) {
            return "none";
        }
        return fraction == 1
                ? "all-cut"
                : "sample " + BigDecimal.valueOf(fraction).stripTrailingZeros().toPlainString();
    }

    /** The request id's place in [0, 1): the first 53 bits of its SHA-256, uniform over ids. */
    static double point(String requestId) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(requestId.getBytes(StandardCharsets.UTF_8));
            return (ByteBuffer.wrap(hash).getLong() >>> 11) * 0x1.0p-53;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
