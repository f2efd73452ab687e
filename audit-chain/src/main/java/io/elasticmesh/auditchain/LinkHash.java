package io.elasticmesh.auditchain;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The hash rule of every audit chain (a tenant's events, a tenant's verdicts): each link covers the previous link's
 * hash and the stored bytes, so changing or removing a link breaks every later one.
 */
public final class LinkHash {

    /** The previous hash of a chain's first link. */
    public static final String GENESIS = "0".repeat(64);

    private LinkHash() {}

    /** hex(SHA-256(prevHash as ASCII ‖ payload)). */
    public static String of(String prevHash, byte[] payload) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(prevHash.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(sha256.digest(payload));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
