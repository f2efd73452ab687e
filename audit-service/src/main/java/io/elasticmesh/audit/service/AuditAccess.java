package io.elasticmesh.audit.service;

import io.elasticmesh.identity.Authorization;
import io.elasticmesh.identity.Principal;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * Who may read which tenant's audit trail: the {@code compliance} role every tenant, the {@code auditor} role only
 * its own tenant, anyone else nothing. The {@code continuation} role (the router's service principal) reads only what
 * continuing a cut request needs, of every tenant: the router checks its own caller against the event's tenant.
 */
public final class AuditAccess {

    public static final String COMPLIANCE = "compliance";
    public static final String AUDITOR = "auditor";
    public static final String CONTINUATION = "continuation";

    private AuditAccess() {}

    /**
     * The tenant a listing is confined to: for the compliance role the one asked for ({@code ""} = every tenant);
     * for an auditor its own tenant, which it may also leave empty.
     *
     * @throws StatusRuntimeException PERMISSION_DENIED when the caller may not read {@code requestedTenant}
     */
    public static String listingScope(Principal caller, String requestedTenant) {
        if (caller.hasRole(COMPLIANCE)) {
            return requestedTenant;
        }
        String tenant = requestedTenant.isEmpty() ? caller.tenant() : requestedTenant;
        requireRead(caller, tenant);
        return tenant;
    }

    /** @throws StatusRuntimeException PERMISSION_DENIED unless the caller may read {@code tenant}'s events */
    public static void requireRead(Principal caller, String tenant) {
        requireAuditRole(caller);
        if (!mayRead(caller, tenant)) {
            Authorization.requireTenant(caller, tenant);
        }
    }

    /**
     * Checked before anything is looked up, so that this refusal says nothing about what is stored.
     *
     * @throws StatusRuntimeException PERMISSION_DENIED unless the caller has an audit role at all
     */
    public static void requireAuditRole(Principal caller) {
        if (!caller.hasRole(COMPLIANCE) && !caller.hasRole(AUDITOR)) {
            throw Status.PERMISSION_DENIED
                    .withDescription("principal '" + caller.name() + "' needs role '" + AUDITOR
                            + "' (its own tenant) or '" + COMPLIANCE + "' (every tenant); it has " + caller.roles())
                    .asRuntimeException();
        }
    }

    /** Whether the caller may read {@code tenant}'s events. */
    public static boolean mayRead(Principal caller, String tenant) {
        return caller.hasRole(COMPLIANCE)
                || caller.hasRole(AUDITOR) && caller.tenant().equals(tenant);
    }

    /**
     * Checked before anything is looked up, as {@link #requireAuditRole}.
     *
     * @throws StatusRuntimeException PERMISSION_DENIED unless the caller may read anything to continue from
     */
    public static void requireContinuationRole(Principal caller) {
        if (!caller.hasRole(CONTINUATION)) {
            requireAuditRole(caller);
        }
    }

    /** Whether the caller may read what continuing one of {@code tenant}'s requests needs. */
    public static boolean mayContinueFrom(Principal caller, String tenant) {
        return caller.hasRole(CONTINUATION) || mayRead(caller, tenant);
    }
}
