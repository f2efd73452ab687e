package io.elasticmesh.audit.service;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** Writes query log entries; never on a Vert.x event loop, where a database round trip would stall other calls. */
@ApplicationScoped
public class QueryLog {

    private static final Logger LOG = Logger.getLogger(QueryLog.class);

    private final AuditStore store;
    private final Vertx vertx;

    public QueryLog(AuditStore store, Vertx vertx) {
        this.store = store;
        this.vertx = vertx;
    }

    /**
     * Records the entry before returning when called off the event loop.
     *
     * @throws IllegalStateException when it could not be recorded there
     */
    public void record(QueryLogEntry entry) {
        if (!Context.isOnEventLoopThread()) {
            store.logQuery(entry);
            return;
        }
        vertx.executeBlocking(() -> {
            store.logQuery(entry);
            return null;
        }, false).onFailure(e -> LOG.errorf("query log entry lost (%s %s by '%s' from %s, %s): %s", entry.rpc(),
                entry.request(), entry.principal(), entry.peer(), entry.outcome(), e.getMessage()));
    }
}
