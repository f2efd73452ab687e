package io.elasticmesh.audit;

import java.time.Instant;

/** A reviewer's reservation of an item; live while the database's clock is before {@code expiresAt}. */
public record ReviewClaim(String reviewer, Instant claimedAt, Instant expiresAt) {}
