package io.elasticmesh.router;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Cut requests kept so a person can ask the model to think more: each for {@code hold}, at most
 * {@code maxRequests} of them, the oldest dropped first. Held in this router's memory only: a continuation that
 * reaches another router (or this one after a restart) reads the request from the audit store instead.
 */
public final class ThinkingHold {

    private final long holdNanos;
    private final int maxRequests;
    private final LongSupplier nanoClock;
    private final Map<String, Held> held = new LinkedHashMap<>();

    /** A cut request as it was answered, with the time it stops being held. */
    private record Held(ReasonResult result, long expiresAtNanos) {}

    public ThinkingHold(Duration hold, int maxRequests, LongSupplier nanoClock) {
        if (hold.isNegative() || maxRequests < 0) {
            throw new IllegalArgumentException("hold and maxRequests must not be negative");
        }
        this.holdNanos = hold.toNanos();
        this.maxRequests = maxRequests;
        this.nanoClock = nanoClock;
    }

    /** Keeps {@code result} when its thinking was cut; anything else cannot be continued. */
    public synchronized void keep(ReasonResult result) {
        if (!result.thinking().truncated() || maxRequests == 0) {
            return;
        }
        long now = nanoClock.getAsLong();
        dropExpired(now);
        if (held.size() == maxRequests) {
            Iterator<String> oldest = held.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        held.put(result.requestId(), new Held(result, now + holdNanos));
    }

    /** The cut request with this id, while it is held. */
    public synchronized Optional<ReasonResult> find(String requestId) {
        dropExpired(nanoClock.getAsLong());
        return Optional.ofNullable(held.get(requestId)).map(Held::result);
    }

    private void dropExpired(long now) {
        // Insertion order is expiry order: every entry is held equally long.
        Iterator<Held> entries = held.values().iterator();
        while (entries.hasNext() && entries.next().expiresAtNanos() - now <= 0) {
            entries.remove();
        }
    }
}
