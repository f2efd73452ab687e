package io.elasticmesh.router;

import io.elasticmesh.edge.DomainException;
import io.grpc.Status;

/** The calling tenant may not use the tier it asked for (gRPC PERMISSION_DENIED). */
public final class TierNotAllowed extends DomainException {

    public TierNotAllowed(String message) {
        super(Status.Code.PERMISSION_DENIED, message);
    }
}
