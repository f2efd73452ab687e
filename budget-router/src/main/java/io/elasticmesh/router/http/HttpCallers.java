package io.elasticmesh.router.http;

import io.elasticmesh.edge.DomainException;
import io.elasticmesh.identity.CredentialStore;
import io.elasticmesh.identity.Principal;
import io.elasticmesh.router.Continuer;
import io.elasticmesh.router.config.PrincipalStore;
import io.elasticmesh.router.config.RouterConfig;
import io.grpc.Status;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Who calls over HTTP: {@code Authorization: Bearer <api key>} (what OpenAI's SDKs send) or {@code x-api-key},
 * checked against the same principals as gRPC's {@code x-api-key}. Without a principals file callers are not
 * authenticated and act for the default tenant (an HTTP request has no tenant field).
 */
@ApplicationScoped
public class HttpCallers {

    private static final Logger LOG = Logger.getLogger(HttpCallers.class);
    private static final String BEARER = "bearer ";

    private final PrincipalStore principals;
    private final RouterConfig config;

    public HttpCallers(PrincipalStore principals, RouterConfig config) {
        this.principals = principals;
        this.config = config;
    }

    /** A caller: the principal when authentication is on, and the tenant it acts for. */
    public record Caller(Optional<Principal> principal, String tenant) {

        /** This caller as one who asks to continue a request: its tenant's, or any with the compliance role. */
        public Continuer continuer() {
            return new Continuer(
                    tenant,
                    principal.filter(p -> p.hasRole(Continuer.COMPLIANCE_ROLE)).isPresent());
        }
    }

    /**
     * @param authorization the Authorization header, or null
     * @param apiKey the x-api-key header, or null
     * @throws DomainException UNAUTHENTICATED when authentication is on and the key is missing or unknown
     */
    public Caller caller(String authorization, String apiKey) {
        Optional<CredentialStore> store = principals.current();
        if (store.isEmpty()) {
            return new Caller(Optional.empty(), config.defaultTenant());
        }
        String key = authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? authorization.substring(BEARER.length()).trim()
                : apiKey;
        if (key == null || key.isEmpty()) {
            throw refused("missing Authorization: Bearer <api key> header");
        }
        Principal principal = store.get().findByApiKey(key).orElseThrow(() -> refused("unknown API key"));
        return new Caller(Optional.of(principal), principal.tenant());
    }

    private static DomainException refused(String why) {
        LOG.infof("refused an HTTP call: %s", why);
        return new DomainException(Status.Code.UNAUTHENTICATED, why);
    }
}
