package io.elasticmesh.router.service;

/** The calling tenant may not use the tier it asked for (gRPC PERMISSION_DENIED). */
public final class TierNotAllowed extends RuntimeException {

    public TierNotAllowed(String message) {
        super(message, null, false, false);
    }
}
