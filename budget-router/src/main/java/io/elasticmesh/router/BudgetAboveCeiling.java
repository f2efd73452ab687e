package io.elasticmesh.router;

import io.elasticmesh.edge.DomainException;
import io.grpc.Status;

/** A requested budget above the tier's ceiling, without a request to clamp it (gRPC OUT_OF_RANGE). */
public final class BudgetAboveCeiling extends DomainException {

    public BudgetAboveCeiling(String message) {
        super(Status.Code.OUT_OF_RANGE, message);
    }
}
