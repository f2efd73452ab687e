package io.elasticmesh.router;

import io.elasticmesh.edge.DomainException;
import io.grpc.Status;

/** The shared quota store could not be reached: UNAVAILABLE, a dependency outage. */
public final class QuotaStoreUnavailable extends DomainException {

    public QuotaStoreUnavailable(String message) {
        super(Status.Code.UNAVAILABLE, message);
    }
}
