package io.elasticmesh.router;

import io.elasticmesh.conversation.Turn;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Cut requests kept so a person can ask the model to think more: each for {@code hold}, at most {@code maxRequests}
 * of them and at most {@code maxBytes} of their texts, the oldest dropped first. Held in this router's memory only: a
 * continuation that reaches another router (or this one after a restart, or after its request was dropped) reads the
 * request from the audit store instead. The byte bound keeps the heap's share fixed whatever the callers send: a
 * count alone would let a few thousand large conversations fill it.
 */
public final class ThinkingHold {

    /** The objects around a held request's texts (records, lists, string headers), roughly. */
    static final long OVERHEAD_BYTES = 1024;

    private final long holdNanos;
    private final int maxRequests;
    private final long maxBytes;
    private final LongSupplier nanoClock;
    private final Map<String, Held> held = new LinkedHashMap<>();
    private long heldBytes;

    /** A cut request as it was answered, with the time it stops being held and what it takes. */
    private record Held(ReasonResult result, long expiresAtNanos, long bytes) {}

    public ThinkingHold(Duration hold, int maxRequests, long maxBytes, LongSupplier nanoClock) {
        if (hold.isNegative() || maxRequests < 0 || maxBytes < 0) {
            throw new IllegalArgumentException("hold, maxRequests and maxBytes must not be negative");
        }
        this.holdNanos = hold.toNanos();
        this.maxRequests = maxRequests;
        this.maxBytes = maxBytes;
        this.nanoClock = nanoClock;
    }

    /** Keeps {@code result} when its thinking was cut and it fits; anything else cannot be continued from here. */
    public synchronized void keep(ReasonResult result) {
        if (!result.thinking().truncated() || maxRequests == 0) {
            return;
        }
        long bytes = bytes(result);
        if (bytes > maxBytes) {
            return;
        }
        long now = nanoClock.getAsLong();
        dropExpired(now);
        Iterator<Held> oldest = held.values().iterator();
        while (held.size() == maxRequests || heldBytes + bytes > maxBytes) {
            heldBytes -= oldest.next().bytes();
            oldest.remove();
        }
        held.put(result.requestId(), new Held(result, now + holdNanos, bytes));
        heldBytes += bytes;
    }

    /** The cut request with this id, while it is held. */
    public synchronized Optional<ReasonResult> find(String requestId) {
        dropExpired(nanoClock.getAsLong());
        return Optional.ofNullable(held.get(requestId)).map(Held::result);
    }

    /** Bytes held now, by {@link #bytes}. */
    synchronized long heldBytes() {
        return heldBytes;
    }

    /**
     * What holding {@code result} takes from the heap, an upper bound on its texts (two bytes a character; Latin-1
     * strings take one) plus {@link #OVERHEAD_BYTES}.
     */
    static long bytes(ReasonResult result) {
        long chars = (long) result.thinking().prompt().length()
                + result.thinking().text().length()
                + result.solution().text().length();
        for (Turn turn : result.conversation()) {
            chars += turn.content().length();
        }
        return OVERHEAD_BYTES + 2 * chars;
    }

    private void dropExpired(long now) {
        // Insertion order is expiry order: every entry is held equally long.
        Iterator<Held> entries = held.values().iterator();
        while (entries.hasNext()) {
            Held next = entries.next();
            if (next.expiresAtNanos() - now > 0) {
                return;
            }
            heldBytes -= next.bytes();
            entries.remove();
        }
    }
}
