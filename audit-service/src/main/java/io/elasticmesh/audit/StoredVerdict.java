package io.elasticmesh.audit;

/** A verdict and its link in its tenant's review chain. */
public record StoredVerdict(VerdictRecord verdict, long position, String prevHash, String hash) {}
