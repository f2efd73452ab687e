package io.elasticmesh.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The hashes of a tenant's chain: each link covers the previous link's hash and the stored event's bytes. */
public final class ChainHash {

    /** The previous hash of a tenant's first link. */
    public static final String GENESIS = "0".repeat(64);

    private ChainHash() {}

    /** hex(SHA-256(prevHash as ASCII ‖ payload)). */
    public static String link(String prevHash, byte[] payload) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(prevHash.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(sha256.digest(payload));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** hex(HMAC-SHA-256(key, tenant:position:hash)): vouches for a retention checkpoint. */
    public static String checkpointMac(String key, String tenant, long position, String hash) {
        return mac(key, tenant + ":" + position + ":" + hash);
    }

    /**
     * hex(HMAC-SHA-256(key, "anchor\n" tenant "\n" position "\n" hash "\n" epochMillis)): vouches for a chain
     * head. A checkpoint's message always ends in a 64-digit hash after a colon and this one in a time after a line
     * break, so neither can be passed off as the other under the one key.
     */
    public static String anchorMac(String key, String tenant, long position, String hash, long epochMillis) {
        return mac(key, "anchor\n" + tenant + "\n" + position + "\n" + hash + "\n" + epochMillis);
    }

    private static String mac(String key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
