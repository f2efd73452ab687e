package io.elasticmesh.identity;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Set;
import java.util.TreeSet;

/** Checks an authenticated principal may do something; a refusal is PERMISSION_DENIED saying what would be allowed. */
public final class Authorization {

    private Authorization() {}

    /** @throws StatusRuntimeException PERMISSION_DENIED unless {@code principal} has {@code role} */
    public static void requireRole(Principal principal, String role) {
        if (!principal.hasRole(role)) {
            throw denied("principal '" + principal.name() + "' needs role '" + role + "'; it has " + principal.roles());
        }
    }

    /** @throws StatusRuntimeException PERMISSION_DENIED unless {@code principal} acts for {@code tenant} */
    public static void requireTenant(Principal principal, String tenant) {
        if (!principal.tenant().equals(tenant)) {
            throw denied("principal '" + principal.name() + "' of tenant '" + principal.tenant()
                    + "' may not access tenant '" + tenant + "'");
        }
    }

    /**
     * For per-tenant allow-lists, e.g. {@code requireAllowed(p, "tier", "gold", Set.of("standard"))} refuses with
     * "tenant 'acme' may not use tier 'gold'; allowed: [standard]".
     *
     * @throws StatusRuntimeException PERMISSION_DENIED unless {@code allowed} contains {@code value}
     */
    public static void requireAllowed(Principal principal, String kind, String value, Set<String> allowed) {
        if (!allowed.contains(value)) {
            throw denied("tenant '" + principal.tenant() + "' may not use " + kind + " '" + value + "'; allowed: "
                    + new TreeSet<>(allowed));
        }
    }

    private static StatusRuntimeException denied(String message) {
        return Status.PERMISSION_DENIED.withDescription(message).asRuntimeException();
    }
}
