package io.elasticmesh.router;

/**
 * A tenant's token bucket as the shared quota store keeps it for every router replica: the tokens no replica holds,
 * refilled at {@code tokens-per-minute} up to a minute of tokens, as {@link TokenQuotas} refills a single router's.
 * Replicas lease it in slices; each lease first settles the replica's previous one (its grant comes back, what it
 * charged since goes out, so debt carries over as with one router). Pure arithmetic: the store runs it under a row
 * lock, on its own clock.
 *
 * @param tokens tokens not leased to any replica; negative while in debt
 * @param refilledAtMicros store time of the last refill, microseconds since the epoch
 */
public record SharedBucket(double tokens, long refilledAtMicros) {

    private static final double MICROS_PER_MINUTE = 60e6;

    /** A lease's outcome: the bucket to store, and the whole tokens granted to the replica (0 when none are left). */
    public record Lease(SharedBucket bucket, long granted) {}

    /** A tenant's bucket when first leased: full. */
    public static SharedBucket full(long tokensPerMinute, long nowMicros) {
        return new SharedBucket(tokensPerMinute, nowMicros);
    }

    /**
     * The slice a replica leases at a time: {@code fraction} of the tenant's tokens per minute, at least 1 token.
     * Replicas together hold at most one slice each, which bounds what the mesh admits beyond one router's bucket.
     */
    public static long slice(long tokensPerMinute, double fraction) {
        return Math.max(1, (long) Math.ceil(tokensPerMinute * fraction));
    }

    /**
     * Refills the bucket to {@code nowMicros}, takes back {@code returned} (the grants of the leases that end now:
     * the replica's previous one, and any expired), charges {@code used} (what the replica charged since its previous
     * lease), and grants up to {@code slice} whole tokens from what is left.
     */
    public Lease lease(long tokensPerMinute, long nowMicros, long returned, long used, long slice) {
        double earned = Math.max(0, nowMicros - refilledAtMicros) * tokensPerMinute / MICROS_PER_MINUTE;
        double settled = Math.min(tokensPerMinute, tokens + earned + returned - used);
        long granted = settled >= 1 ? Math.min(slice, (long) Math.floor(settled)) : 0;
        return new Lease(new SharedBucket(settled - granted, Math.max(nowMicros, refilledAtMicros)), granted);
    }
}
