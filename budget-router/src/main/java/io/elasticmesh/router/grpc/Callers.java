package io.elasticmesh.router.grpc;

import io.elasticmesh.edge.Echo;
import io.elasticmesh.identity.Principal;
import io.elasticmesh.identity.Principals;
import io.grpc.Status;
import java.util.Optional;

/**
 * Who calls, read at the start of a handler (the gRPC context is thread-bound). With authentication the tenant is
 * the principal's: a request may leave its {@code tenant} field empty or repeat it, and one naming another tenant
 * is refused PERMISSION_DENIED rather than silently overridden. Without authentication the field is believed.
 */
final class Callers {

    /** The role a principal needs for RouterAdmin. */
    static final String ADMIN_ROLE = "admin";

    private Callers() {}

    /** The authenticated principal of this call; empty when authentication is off. */
    static Optional<Principal> principal() {
        return Optional.ofNullable(Principals.KEY.get());
    }

    static String tenant(Optional<Principal> principal, String requested, String defaultTenant) {
        if (principal.isEmpty()) {
            return requested.isBlank() ? defaultTenant : requested;
        }
        Principal caller = principal.get();
        if (!requested.isBlank() && !requested.equals(caller.tenant())) {
            throw Status.PERMISSION_DENIED
                    .withDescription("tenant '" + Echo.bounded(requested)
                            + "' differs from tenant '" + caller.tenant() + "' of the authenticated principal '"
                            + caller.name()
                            + "'; leave the tenant field empty")
                    .asRuntimeException();
        }
        return caller.tenant();
    }
}
