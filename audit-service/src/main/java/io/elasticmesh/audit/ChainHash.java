package io.elasticmesh.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keyed signatures over a tenant's chain (retention checkpoints, anchors); the links themselves follow
 * {@link io.elasticmesh.auditchain.LinkHash}, which the offline export verifier shares.
 */
public final class ChainHash {

    private ChainHash() {}

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
