package io.elasticmesh.audit.mapping;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Opaque page tokens of ListAuditEvents and ListReviewQueue: where the previous page ended (a store sequence number)
 * and a fingerprint of its filters (a record, order included), so a token sent with other filters is refused instead
 * of silently paging something else.
 */
public final class PageToken {

    private PageToken() {}

    public static String encode(long beforeSeq, Record filter) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(("v1:" + beforeSeq + ":" + fingerprint(filter)).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @return the store sequence number the previous page ended at (the next starts past it); 0 for an empty token
     * @throws IllegalArgumentException when the token is malformed or was issued for other filters
     */
    public static long decode(String token, Record filter) {
        if (token.isEmpty()) {
            return 0;
        }
        String[] parts;
        try {
            parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":");
        } catch (IllegalArgumentException e) {
            parts = new String[0];
        }
        if (parts.length != 3 || !parts[0].equals("v1") || !parts[1].matches("[1-9][0-9]{0,18}")) {
            throw new IllegalArgumentException("page_token is not one this service issued; send the "
                    + "next_page_token of the previous page, or none for the first page");
        }
        if (!parts[2].equals(fingerprint(filter))) {
            throw new IllegalArgumentException("page_token was issued for other filters; send the same filters as "
                    + "for the previous page, or no token to start over");
        }
        return Long.parseLong(parts[1]);
    }

    private static String fingerprint(Record filter) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(filter.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
