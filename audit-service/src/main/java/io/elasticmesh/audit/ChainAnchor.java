package io.elasticmesh.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Optional;

/**
 * A tenant's chain head (position and hash) as audit-service signed it at {@code anchoredAt}, kept outside the
 * database. Because each link's hash covers every link before it, an anchor vouches for the whole chain up to it.
 */
public record ChainAnchor(String tenant, long position, String hash, Instant anchoredAt, String signature) {

    /** Signs a head with the chain key; the time is kept to the millisecond. */
    public static ChainAnchor sign(String key, String tenant, long position, String hash, Instant at) {
        Instant millis = Instant.ofEpochMilli(at.toEpochMilli());
        return new ChainAnchor(
                tenant,
                position,
                hash,
                millis,
                ChainHash.anchorMac(key, tenant, position, hash, millis.toEpochMilli()));
    }

    /** Whether the anchor was signed with {@code key} as it reads (constant-time comparison). */
    public boolean signedWith(String key) {
        String expected = ChainHash.anchorMac(key, tenant, position, hash, anchoredAt.toEpochMilli());
        return MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.US_ASCII), signature.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Why the database's chain cannot be a continuation of this anchor, if it cannot.
     *
     * @param headPosition the chain's head in the database
     * @param retiredPosition links up to here were retired (their rows deleted under a signed checkpoint)
     * @param hashHere the hash the database holds for this anchor's position (the stored link's, or the retention
     *     checkpoint's when that is where the chain now starts); empty when it holds none
     */
    public Optional<String> contradiction(long headPosition, long retiredPosition, Optional<String> hashHere) {
        if (headPosition < position) {
            return Optional.of("the chain's head is link " + headPosition + " but link " + position + " was anchored "
                    + "at " + anchoredAt + ": its newest links were deleted");
        }
        if (position < retiredPosition) {
            return Optional.empty();
        }
        if (hashHere.isEmpty()) {
            return Optional.of(
                    "link " + position + ", anchored at " + anchoredAt + ", is missing: its row was " + "deleted");
        }
        if (!hashHere.get().equals(hash)) {
            return Optional.of("link " + position + " no longer has the hash anchored at " + anchoredAt + ": the "
                    + "chain up to it was rewritten (its hashes recomputed)");
        }
        return Optional.empty();
    }
}
