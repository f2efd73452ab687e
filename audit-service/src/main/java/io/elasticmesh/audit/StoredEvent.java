package io.elasticmesh.audit;

import java.time.Instant;

/** A stored event's bytes and its link in the tenant's chain. */
public record StoredEvent(
        String tenant, byte[] payload, long position, String prevHash, String hash, Instant storedAt, long seq) {}
