package io.elasticmesh.audit.service;

import static io.elasticmesh.audit.service.AuditDatabase.between;
import static io.elasticmesh.audit.service.AuditDatabase.equal;
import static io.elasticmesh.audit.service.AuditDatabase.prepare;

import io.elasticmesh.audit.EventFilter;
import io.elasticmesh.audit.EventPage;
import io.elasticmesh.audit.StoredEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Reads stored events: one by request id, or a filtered listing built into one query, newest first. */
@ApplicationScoped
public class EventReader {

    private static final String COLUMNS = "tenant, payload, position, prev_hash, hash, stored_at, seq";

    private final AuditDatabase db;

    public EventReader(AuditDatabase db) {
        this.db = db;
    }

    public Optional<StoredEvent> findByRequestId(String requestId) {
        List<StoredEvent> found = query(
                "SELECT " + COLUMNS + " FROM audit_event WHERE request_id = ? ORDER BY seq " + "LIMIT 1",
                List.of(requestId));
        return found.stream().findFirst();
    }

    /**
     * Events matching {@code filter}, newest stored first.
     *
     * @param beforeSeq only events stored before this one (the previous page's last); 0 for the first page
     */
    public EventPage list(EventFilter filter, long beforeSeq, int pageSize) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM audit_event WHERE true");
        List<Object> params = new ArrayList<>();
        equal(sql, params, "tenant", filter.tenant());
        equal(sql, params, "tier", filter.tier());
        equal(sql, params, "model", filter.model());
        equal(sql, params, "truncation_reason", filter.truncationReason());
        equal(sql, params, "request_id", filter.requestId());
        equal(sql, params, "trace_id", filter.traceId());
        between(sql, params, "occurred_at", filter.occurredFrom(), filter.occurredTo());
        if (filter.cutOnly()) {
            sql.append(" AND thinking_cut");
        }
        if (!filter.thinkingContains().isEmpty()) {
            sql.append(" AND thinking_text ILIKE ? ESCAPE '\\'");
            params.add("%" + filter.thinkingContains().replaceAll("[\\\\%_]", "\\\\$0") + "%");
        }
        if (beforeSeq > 0) {
            sql.append(" AND seq < ?");
            params.add(beforeSeq);
        }
        sql.append(" ORDER BY seq DESC LIMIT ?");
        params.add(pageSize + 1);
        List<StoredEvent> found = query(sql.toString(), params);
        if (found.size() <= pageSize) {
            return new EventPage(found, OptionalLong.empty());
        }
        List<StoredEvent> page = found.subList(0, pageSize);
        return new EventPage(
                List.copyOf(page), OptionalLong.of(page.get(pageSize - 1).seq()));
    }

    private List<StoredEvent> query(String sql, List<Object> params) {
        return db.connected("audit query failed", c -> {
            try (PreparedStatement s = prepare(c, sql, params.toArray());
                    ResultSet r = s.executeQuery()) {
                List<StoredEvent> events = new ArrayList<>();
                while (r.next()) {
                    events.add(new StoredEvent(
                            r.getString(1),
                            r.getBytes(2),
                            r.getLong(3),
                            r.getString(4),
                            r.getString(5),
                            r.getTimestamp(6).toInstant(),
                            r.getLong(7)));
                }
                return events;
            }
        });
    }
}
