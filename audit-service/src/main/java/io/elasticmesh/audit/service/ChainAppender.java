package io.elasticmesh.audit.service;

import static io.elasticmesh.audit.service.AuditDatabase.bind;
import static io.elasticmesh.audit.service.AuditDatabase.micros;
import static io.elasticmesh.audit.service.AuditDatabase.prepare;

import io.elasticmesh.audit.EventRecord;
import io.elasticmesh.auditchain.LinkHash;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Appends audit events to their tenants' hash chains in PostgreSQL. Events are linked to their tenant's chain head
 * inside the transaction that stores them, with the tenant's chain row locked, so links follow store order exactly;
 * an event id already stored is skipped, so redelivered events are stored once.
 */
@ApplicationScoped
public class ChainAppender {

    private final AuditDatabase db;

    public ChainAppender(AuditDatabase db) {
        this.db = db;
    }

    /**
     * Stores a batch of events in one transaction (one commit per batch, not per event, is what lets the store keep
     * up with the topic).
     *
     * @return the ids of the events that were new; an id already stored, or repeated within the batch, is skipped
     */
    public Set<String> appendAll(List<EventRecord> events) {
        if (events.isEmpty()) {
            return Set.of();
        }
        return db.transaction("cannot store " + events.size() + " audit events", c -> appendLocked(c, events));
    }

    private static Set<String> appendLocked(Connection c, List<EventRecord> events) throws SQLException {
        Map<String, List<EventRecord>> byTenant = events.stream()
                .collect(Collectors.groupingBy(EventRecord::tenant, LinkedHashMap::new, Collectors.toList()));
        Map<String, Head> heads = lockHeads(c, byTenant.keySet());
        // Checked under the tenants' locks: a concurrent store of the same event waits for them, so it is seen here.
        Set<String> stored = storedIds(c, events);
        Set<String> fresh = new LinkedHashSet<>();
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO audit_event (tenant, position, event_id, "
                        + "request_id, trace_id, occurred_at, tier, model, thinking_cut, truncation_reason, "
                        + "thinking_text, review_required, continued_request_id, payload, prev_hash, hash) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                PreparedStatement moveHead = c.prepareStatement(
                        "UPDATE audit_chain SET head_position = ?, head_hash = ? WHERE tenant = ?")) {
            for (Map.Entry<String, List<EventRecord>> tenant : byTenant.entrySet()) {
                Head head = heads.get(tenant.getKey());
                long position = head.position();
                String hash = head.hash();
                for (EventRecord e : tenant.getValue()) {
                    if (stored.contains(e.eventId()) || !fresh.add(e.eventId())) {
                        continue;
                    }
                    String prev = hash;
                    position++;
                    hash = LinkHash.of(prev, e.payload());
                    bind(
                            insert,
                            e.tenant(),
                            position,
                            e.eventId(),
                            e.requestId(),
                            e.traceId(),
                            Timestamp.from(micros(e.occurredAt())),
                            e.tier(),
                            e.model(),
                            e.thinkingCut(),
                            e.truncationReason(),
                            e.thinkingText(),
                            e.reviewRequired(),
                            e.continuedRequestId(),
                            e.payload(),
                            prev,
                            hash);
                    insert.addBatch();
                }
                if (position != head.position()) {
                    bind(moveHead, position, hash, tenant.getKey());
                    moveHead.addBatch();
                }
            }
            insert.executeBatch();
            moveHead.executeBatch();
        }
        return fresh;
    }

    private record Head(long position, String hash) {}

    /** Creates missing chains and locks every tenant's chain row, in name order so that lockers cannot deadlock. */
    private static Map<String, Head> lockHeads(Connection c, Collection<String> tenants) throws SQLException {
        try (PreparedStatement create = c.prepareStatement("INSERT INTO audit_chain (tenant, head_position, "
                + "head_hash, retired_position, retired_hash, checkpoint_mac) VALUES (?, 0, ?, 0, ?, '') "
                + "ON CONFLICT (tenant) DO NOTHING")) {
            for (String tenant : tenants) {
                bind(create, tenant, LinkHash.GENESIS, LinkHash.GENESIS);
                create.addBatch();
            }
            create.executeBatch();
        }
        Map<String, Head> heads = new HashMap<>();
        try (PreparedStatement s = prepare(
                        c,
                        "SELECT tenant, head_position, head_hash FROM audit_chain "
                                + "WHERE tenant = ANY(?) ORDER BY tenant FOR UPDATE",
                        c.createArrayOf("text", tenants.toArray()));
                ResultSet r = s.executeQuery()) {
            while (r.next()) {
                heads.put(r.getString(1), new Head(r.getLong(2), r.getString(3)));
            }
        }
        return heads;
    }

    private static Set<String> storedIds(Connection c, List<EventRecord> events) throws SQLException {
        Object[] ids = events.stream().map(EventRecord::eventId).toArray();
        Set<String> stored = new HashSet<>();
        try (PreparedStatement s = prepare(
                        c, "SELECT event_id FROM audit_event WHERE event_id = ANY(?)", c.createArrayOf("text", ids));
                ResultSet r = s.executeQuery()) {
            while (r.next()) {
                stored.add(r.getString(1));
            }
        }
        return stored;
    }
}
