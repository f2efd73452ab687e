package io.elasticmesh.audit.service;

import io.elasticmesh.audit.QueryLogEntry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** Writes query log entries; never on a Vert.x event loop, where a database round trip would stall other calls. */
@ApplicationScoped
public class QueryLog {

    private static final Logger LOG = Logger.getLogger(QueryLog.class);

    private final AuditDatabase db;
    private final Vertx vertx;

    public QueryLog(AuditDatabase db, Vertx vertx) {
        this.db = db;
        this.vertx = vertx;
    }

    /**
     * Records the entry before returning when called off the event loop.
     *
     * @throws IllegalStateException when it could not be recorded there
     */
    public void record(QueryLogEntry entry) {
        if (!Context.isOnEventLoopThread()) {
            write(entry);
            return;
        }
        vertx.executeBlocking(
                        () -> {
                            write(entry);
                            return null;
                        },
                        false)
                .onFailure(e -> LOG.errorf(
                        "query log entry lost (%s %s by '%s' from %s, %s): %s",
                        entry.rpc(),
                        entry.request(),
                        entry.principal(),
                        entry.peer(),
                        entry.outcome(),
                        e.getMessage()));
    }

    private void write(QueryLogEntry entry) {
        db.connected("cannot record the query", c -> {
            AuditDatabase.update(
                    c,
                    "INSERT INTO audit_query_log (principal, principal_tenant, roles, peer, rpc, "
                            + "request, outcome) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    entry.principal(),
                    entry.principalTenant(),
                    entry.roles(),
                    entry.peer(),
                    entry.rpc(),
                    entry.request(),
                    entry.outcome());
            return null;
        });
    }
}
