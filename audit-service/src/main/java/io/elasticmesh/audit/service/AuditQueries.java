package io.elasticmesh.audit.service;

import io.elasticmesh.identity.Principal;
import io.grpc.StatusRuntimeException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/** The compliance queries, each checked against the caller's roles and recorded, allowed or not. */
@ApplicationScoped
public class AuditQueries {

    private final AuditStore store;

    public AuditQueries(AuditStore store) {
        this.store = store;
    }

    /** @param request the request as sent, for the query log */
    public Optional<StoredEvent> find(Principal caller, String requestId, String request) {
        Optional<StoredEvent> found = store.findByRequestId(requestId);
        return recorded(caller, "GetAuditEvent", request, () -> found.map(event -> {
            AuditAccess.requireRead(caller, event.tenant());
            return event;
        }));
    }

    public AuditStore.Page list(Principal caller, EventFilter filter, long beforeSeq, int pageSize, String request) {
        return recorded(caller, "ListAuditEvents", request, () -> store.list(
                filter.withTenant(AuditAccess.listingScope(caller, filter.tenant())), beforeSeq, pageSize));
    }

    public ChainReport verify(Principal caller, String tenant, Function<byte[], EventRecord> decode,
            String checkpointKey, String request) {
        return recorded(caller, "VerifyAuditChain", request, () -> {
            AuditAccess.requireRead(caller, tenant);
            return store.verify(tenant, decode, checkpointKey);
        });
    }

    private <T> T recorded(Principal caller, String rpc, String request, Supplier<T> query) {
        String outcome = "allowed";
        try {
            return query.get();
        } catch (StatusRuntimeException e) {
            outcome = "refused: " + e.getStatus().getCode() + ": " + e.getStatus().getDescription();
            throw e;
        } finally {
            store.logQuery(new QueryLogEntry(caller.name(), caller.tenant(), String.join(",", caller.roles()), rpc,
                    request, outcome));
        }
    }
}
