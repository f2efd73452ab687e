package io.elasticmesh.audit.service;

import io.elasticmesh.identity.Authorization;
import io.elasticmesh.identity.Principal;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * Who may read and judge which tenant's review queue: {@code compliance} every tenant, both; {@code reviewer} its
 * own tenant, both; {@code auditor} its own tenant, read only; anyone else nothing. Tenant confinement is exactly
 * that of events ({@link AuditAccess}).
 */
public final class ReviewAccess {

    public static final String REVIEWER = "reviewer";

    private ReviewAccess() {}

    /** @throws StatusRuntimeException PERMISSION_DENIED unless the caller has a role that reads reviews at all */
    public static void requireReviewRole(Principal caller) {
        if (!caller.hasRole(AuditAccess.COMPLIANCE)
                && !caller.hasRole(AuditAccess.AUDITOR)
                && !caller.hasRole(REVIEWER)) {
            throw Status.PERMISSION_DENIED
                    .withDescription("principal '" + caller.name() + "' needs role '" + REVIEWER + "' or '"
                            + AuditAccess.AUDITOR + "' (its own tenant) or '" + AuditAccess.COMPLIANCE
                            + "' (every tenant); it has " + caller.roles())
                    .asRuntimeException();
        }
    }

    /** Whether the caller may read {@code tenant}'s review queue and history. */
    public static boolean mayRead(Principal caller, String tenant) {
        return caller.hasRole(AuditAccess.COMPLIANCE)
                || (caller.hasRole(AuditAccess.AUDITOR) || caller.hasRole(REVIEWER))
                        && caller.tenant().equals(tenant);
    }

    /**
     * The tenant a listing is confined to: for the compliance role the one asked for ({@code ""} = every tenant);
     * otherwise the caller's own tenant, which it may also leave empty.
     *
     * @throws StatusRuntimeException PERMISSION_DENIED when the caller may not read {@code requestedTenant}
     */
    public static String listingScope(Principal caller, String requestedTenant) {
        requireReviewRole(caller);
        if (caller.hasRole(AuditAccess.COMPLIANCE)) {
            return requestedTenant;
        }
        String tenant = requestedTenant.isEmpty() ? caller.tenant() : requestedTenant;
        Authorization.requireTenant(caller, tenant);
        return tenant;
    }

    /**
     * Checked once the caller may read the item (so this refusal reveals nothing it could not read anyway).
     *
     * @throws StatusRuntimeException PERMISSION_DENIED unless the caller may claim and judge {@code tenant}'s items
     */
    public static void requireJudge(Principal caller, String tenant) {
        boolean may = caller.hasRole(AuditAccess.COMPLIANCE)
                || caller.hasRole(REVIEWER) && caller.tenant().equals(tenant);
        if (!may) {
            throw Status.PERMISSION_DENIED
                    .withDescription("principal '" + caller.name() + "' may read but not judge this item: claims "
                            + "and verdicts need role '" + REVIEWER + "' (its own tenant) or '"
                            + AuditAccess.COMPLIANCE + "'")
                    .asRuntimeException();
        }
    }
}
