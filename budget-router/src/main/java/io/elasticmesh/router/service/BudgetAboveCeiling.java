package io.elasticmesh.router.service;

/** A requested budget above the tier's ceiling, without a request to clamp it (gRPC OUT_OF_RANGE). */
public final class BudgetAboveCeiling extends RuntimeException {

    public BudgetAboveCeiling(String message) {
        super(message, null, false, false);
    }
}
