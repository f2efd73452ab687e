package io.elasticmesh.audit.service;

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

    private ChainHash() {
    }

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
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(
                    mac.doFinal((tenant + ":" + position + ":" + hash).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
