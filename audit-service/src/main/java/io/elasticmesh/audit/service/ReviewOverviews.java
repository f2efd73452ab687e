package io.elasticmesh.audit.service;

import io.elasticmesh.audit.ReviewOverview;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The overview's three aggregates, each one query over the review tables; a tenant of "" is every tenant. */
@ApplicationScoped
public class ReviewOverviews {

    /** Days of cut counts shown: the last two weeks. */
    static final int DAYS = 14;

    private static final String TENANT = "(? = '' OR e.tenant = ?)";

    private final AuditDatabase db;

    public ReviewOverviews(AuditDatabase db) {
        this.db = db;
    }

    public ReviewOverview overview(String tenant) {
        return db.snapshot(
                "cannot read the review overview",
                c -> new ReviewOverview(
                        rows(
                                c,
                                "SELECT e.tier, (e.occurred_at AT TIME ZONE 'UTC')::date, count(*), "
                                        + "count(*) FILTER (WHERE e.thinking_cut) FROM audit_event e WHERE " + TENANT
                                        + " AND e.occurred_at >= now() - make_interval(days => " + DAYS + ") "
                                        + "GROUP BY 1, 2 ORDER BY 1, 2",
                                tenant,
                                r -> new ReviewOverview.Day(
                                        r.getString(1),
                                        r.getObject(2, java.time.LocalDate.class),
                                        r.getLong(3),
                                        r.getLong(4))),
                        rows(
                                c,
                                "SELECT e.tier, count(*), min(e.occurred_at) FROM audit_event e WHERE " + TENANT
                                        + " AND NOT EXISTS (SELECT 1 FROM review_verdict v WHERE v.tenant = e.tenant "
                                        + "AND v.event_id = e.event_id) GROUP BY 1 ORDER BY 1",
                                tenant,
                                r -> new ReviewOverview.Backlog(
                                        r.getString(1),
                                        r.getLong(2),
                                        r.getObject(3, java.time.OffsetDateTime.class)
                                                .toInstant())),
                        rows(
                                c,
                                "SELECT e.tier, v.verdict, count(*) FROM review_verdict v JOIN audit_event e "
                                        + "ON e.tenant = v.tenant AND e.event_id = v.event_id WHERE " + TENANT
                                        + " GROUP BY 1, 2 ORDER BY 1, 2",
                                tenant,
                                r -> new ReviewOverview.Verdicts(r.getString(1), r.getString(2), r.getLong(3)))));
    }

    private interface Row<T> {
        T read(ResultSet r) throws SQLException;
    }

    private static <T> List<T> rows(Connection c, String sql, String tenant, Row<T> row) throws SQLException {
        try (PreparedStatement s = AuditDatabase.prepare(c, sql, tenant, tenant);
                ResultSet r = s.executeQuery()) {
            List<T> rows = new ArrayList<>();
            while (r.next()) {
                rows.add(row.read(r));
            }
            return rows;
        }
    }
}
