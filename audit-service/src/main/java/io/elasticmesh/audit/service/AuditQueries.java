package io.elasticmesh.audit.service;

import io.elasticmesh.audit.AnchorLog;
import io.elasticmesh.audit.ChainAnchor;
import io.elasticmesh.audit.ChainReport;
import io.elasticmesh.audit.EventFilter;
import io.elasticmesh.audit.EventPage;
import io.elasticmesh.audit.EventRecord;
import io.elasticmesh.audit.StoredEvent;
import io.elasticmesh.audit.VerdictRecord;
import io.elasticmesh.identity.Principal;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.function.Function;

/** The compliance queries, each checked against the caller's roles (the query log records every call, at the edge). */
@ApplicationScoped
public class AuditQueries {

    private final EventReader events;
    private final ChainVerifier verifier;
    private final AnchorLog anchors;
    private final ChainKey key;
    private final VerdictChainVerifier verdicts;

    public AuditQueries(
            EventReader events,
            ChainVerifier verifier,
            AnchorLog anchors,
            ChainKey key,
            VerdictChainVerifier verdicts) {
        this.events = events;
        this.verifier = verifier;
        this.verdicts = verdicts;
        this.anchors = anchors;
        this.key = key;
    }

    /**
     * @return the event, or empty when there is none or it belongs to a tenant the caller may not read: the two are
     *     answered alike, so a request id never reveals that another tenant exists
     */
    public Optional<StoredEvent> find(Principal caller, String requestId) {
        AuditAccess.requireAuditRole(caller);
        return events.findByRequestId(requestId).filter(event -> AuditAccess.mayRead(caller, event.tenant()));
    }

    /** As {@link #find}, for the continuation role too (see {@link AuditAccess#mayContinueFrom}). */
    public Optional<StoredEvent> findToContinue(Principal caller, String requestId) {
        AuditAccess.requireContinuationRole(caller);
        return events.findByRequestId(requestId).filter(event -> AuditAccess.mayContinueFrom(caller, event.tenant()));
    }

    public EventPage list(Principal caller, EventFilter filter, long beforeSeq, int pageSize) {
        return events.list(filter.withTenant(AuditAccess.listingScope(caller, filter.tenant())), beforeSeq, pageSize);
    }

    /**
     * Verifies the tenant's event chain, then its review chain.
     *
     * @param decode the columns an event's payload implies
     * @param decodeVerdict the columns a verdict's payload implies
     */
    public ChainReport verify(
            Principal caller,
            String tenant,
            Function<byte[], EventRecord> decode,
            Function<byte[], VerdictRecord> decodeVerdict) {
        AuditAccess.requireRead(caller, tenant);
        Optional<ChainAnchor> anchor =
                Optional.ofNullable(anchors.newest(key.value()).get(tenant));
        ChainReport events = verifier.verify(tenant, decode, key.value(), anchor);
        VerdictChainVerifier.Result review = verdicts.verify(tenant, decodeVerdict);
        return events.withVerdicts(review.checked(), review.firstBreak());
    }
}
