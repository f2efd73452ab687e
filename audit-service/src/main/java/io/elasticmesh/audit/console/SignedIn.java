package io.elasticmesh.audit.console;

import io.elasticmesh.edge.DomainException;
import io.elasticmesh.identity.Principal;
import io.grpc.Status;
import io.quarkus.security.identity.SecurityIdentity;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The person signed in to the console as the {@link Principal} the service layer checks, exactly as it checks an API
 * key's: the name is the token's {@code preferred_username} ({@code quarkus.oidc.token.principal-claim}), the roles
 * are the token's {@code roles} claim ({@code quarkus.oidc.roles.role-claim-path}), and the tenant is its
 * {@code tenant} claim, which the identity provider sets per user.
 */
final class SignedIn {

    static final String TENANT_CLAIM = "tenant";

    private SignedIn() {}

    /** @throws DomainException PERMISSION_DENIED when the token names no tenant (the provider is misconfigured) */
    static Principal principal(SecurityIdentity identity) {
        String tenant = identity.getPrincipal() instanceof JsonWebToken token ? token.getClaim(TENANT_CLAIM) : null;
        if (tenant == null || tenant.isBlank()) {
            throw new DomainException(
                    Status.Code.PERMISSION_DENIED,
                    "the sign-in token of '" + identity.getPrincipal().getName() + "' has no '" + TENANT_CLAIM
                            + "' claim: the identity provider must map each user's tenant to it");
        }
        return new Principal(identity.getPrincipal().getName(), tenant, identity.getRoles());
    }
}
