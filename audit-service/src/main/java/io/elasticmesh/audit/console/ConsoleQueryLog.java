package io.elasticmesh.audit.console;

import io.elasticmesh.audit.QueryLogEntry;
import io.elasticmesh.audit.service.QueryLog;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MediaType;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Every page and action of the console in the query log, as every call of the gRPC API is: who (as the service layer
 * saw them), from where, what (method, path and query) and how it was answered. A reply that cannot be recorded is
 * withheld: the person gets 503 instead of the data, so nothing is shown unrecorded.
 */
public class ConsoleQueryLog {

    private static final Logger LOG = Logger.getLogger(ConsoleQueryLog.class);
    /** As much of a request as the gRPC API's query log keeps. */
    private static final int MAX_REQUEST_CHARS = 2_000;

    @Inject
    QueryLog log;

    @Inject
    SecurityIdentity identity;

    @ServerResponseFilter
    public void record(ContainerRequestContext request, ContainerResponseContext response, HttpServerRequest http) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/console")) {
            return;
        }
        String query = http.query() == null ? "" : http.query();
        String user = identity.isAnonymous() ? "" : identity.getPrincipal().getName();
        String tenant = "";
        try {
            tenant = identity.isAnonymous() ? "" : SignedIn.principal(identity).tenant();
        } catch (RuntimeException e) {
            // A token without a tenant: recorded with none (the page itself was refused).
        }
        Object refusal = request.getProperty(ConsoleErrors.REFUSAL);
        String outcome = response.getStatus() < 400
                ? "allowed"
                : "refused: " + response.getStatus() + (refusal == null ? "" : " " + refusal);
        String what = query.isEmpty() ? path : path + "?" + query;
        try {
            log.record(new QueryLogEntry(
                    user,
                    tenant,
                    String.join(",", new java.util.TreeSet<>(identity.getRoles())),
                    String.valueOf(http.remoteAddress()),
                    "console " + request.getMethod(),
                    what.length() <= MAX_REQUEST_CHARS ? what : what.substring(0, MAX_REQUEST_CHARS) + "…",
                    outcome));
        } catch (RuntimeException e) {
            LOG.errorf(
                    "refused to serve %s %s to '%s': the query log did not take it: %s",
                    request.getMethod(), path, user, e.getMessage());
            response.setStatus(503);
            response.getHeaders().putSingle("Content-Type", MediaType.TEXT_PLAIN + ";charset=UTF-8");
            response.setEntity("the view could not be recorded in the query log, so nothing was served; retry later");
        }
    }
}
