package io.elasticmesh.audit.service;

import static io.elasticmesh.audit.service.AuditDatabase.between;
import static io.elasticmesh.audit.service.AuditDatabase.equal;
import static io.elasticmesh.audit.service.AuditDatabase.micros;
import static io.elasticmesh.audit.service.AuditDatabase.prepare;
import static io.elasticmesh.audit.service.AuditDatabase.update;

import io.elasticmesh.audit.ReviewClaim;
import io.elasticmesh.audit.ReviewCounts;
import io.elasticmesh.audit.ReviewFilter;
import io.elasticmesh.audit.ReviewHistory;
import io.elasticmesh.audit.ReviewItem;
import io.elasticmesh.audit.ReviewPage;
import io.elasticmesh.audit.ReviewState;
import io.elasticmesh.audit.StoredEvent;
import io.elasticmesh.audit.StoredVerdict;
import io.elasticmesh.audit.VerdictRecord;
import io.elasticmesh.auditchain.ExportRow;
import io.elasticmesh.auditchain.LinkHash;
import io.elasticmesh.edge.DomainException;
import io.elasticmesh.edge.Echo;
import io.grpc.Status;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The review workflow's tables: the queue (events joined to their live claim and newest verdict), claims, and the
 * per-tenant review chain of verdicts. Concurrency is the database's: a claim is one upsert that only takes over an
 * expired claim or the caller's own, so of two concurrent claims exactly one wins; a verdict consumes the caller's
 * live claim and is linked with its tenant's review chain row locked, so links follow commit order exactly.
 */
@ApplicationScoped
public class ReviewStore {

    /** An event under review, as the API names it (request id) and as the tables key it (event id). */
    public record Target(String tenant, String eventId, String requestId) {}

    private static final String EVENT_COLUMNS =
            "e.tenant, e.payload, e.position, e.prev_hash, e.hash, e.stored_at, e.seq";
    private static final String VERDICT_COLUMNS = "v.verdict_id, v.tenant, v.event_id, v.request_id, v.reviewer, "
            + "v.verdict, v.escalates, v.comment, v.recorded_at, v.payload, v.position, v.prev_hash, v.hash";
    /** The queue: each event with its live claim (c) and its newest verdict (v). */
    private static final String QUEUE = " FROM audit_event e"
            + " LEFT JOIN review_claim c ON c.event_id = e.event_id AND c.expires_at > now()"
            + " LEFT JOIN LATERAL (SELECT * FROM review_verdict w WHERE w.tenant = e.tenant"
            + " AND w.event_id = e.event_id ORDER BY w.position DESC LIMIT 1) v ON true";

    private final AuditDatabase db;

    public ReviewStore(AuditDatabase db) {
        this.db = db;
    }

    public Optional<Target> find(String requestId) {
        return db.connected("cannot look up request '" + Echo.bounded(requestId) + "'", c -> {
            try (PreparedStatement s = prepare(
                            c,
                            "SELECT tenant, event_id FROM audit_event WHERE request_id = ? ORDER BY seq LIMIT 1",
                            requestId);
                    ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(new Target(r.getString(1), r.getString(2), requestId)) : Optional.empty();
            }
        });
    }

    /**
     * A page of the queue and the counts per state of everything the filter matches but its state, in one snapshot.
     *
     * @param afterSeq the previous page's last store sequence number; 0 for the first page
     */
    public ReviewPage queue(ReviewFilter filter, long afterSeq, int pageSize) {
        return db.snapshot("cannot read the review queue", c -> {
            List<Object> params = new ArrayList<>();
            StringBuilder sql = new StringBuilder("SELECT " + EVENT_COLUMNS
                    + ", c.reviewer, c.claimed_at, c.expires_at, " + VERDICT_COLUMNS + QUEUE + " WHERE true");
            sql.append(conditions(filter, params));
            filter.state().ifPresent(state -> sql.append(" AND ").append(stateCondition(state)));
            if (afterSeq > 0) {
                sql.append(filter.oldestFirst() ? " AND e.seq > ?" : " AND e.seq < ?");
                params.add(afterSeq);
            }
            sql.append(" ORDER BY e.seq ")
                    .append(filter.oldestFirst() ? "ASC" : "DESC")
                    .append(" LIMIT ?");
            params.add(pageSize + 1);
            List<ReviewItem> items = new ArrayList<>();
            try (PreparedStatement s = prepare(c, sql.toString(), params.toArray());
                    ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    items.add(item(r));
                }
            }
            ReviewCounts counts = counts(c, filter);
            if (items.size() <= pageSize) {
                return new ReviewPage(items, OptionalLong.empty(), counts);
            }
            List<ReviewItem> page = List.copyOf(items.subList(0, pageSize));
            return new ReviewPage(
                    page, OptionalLong.of(page.get(pageSize - 1).event().seq()), counts);
        });
    }

    private static ReviewCounts counts(Connection c, ReviewFilter filter) throws SQLException {
        List<Object> params = new ArrayList<>();
        String sql = "SELECT "
                + String.join(
                        ", ",
                        List.of(ReviewState.values()).stream()
                                .map(state -> "count(*) FILTER (WHERE " + stateCondition(state) + ")")
                                .toList())
                + QUEUE + " WHERE true" + conditions(filter, params);
        try (PreparedStatement s = prepare(c, sql, params.toArray());
                ResultSet r = s.executeQuery()) {
            r.next();
            return new ReviewCounts(r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4));
        }
    }

    private static String stateCondition(ReviewState state) {
        return switch (state) {
            case UNREVIEWED -> "v.verdict_id IS NULL AND c.event_id IS NULL";
            case CLAIMED -> "v.verdict_id IS NULL AND c.event_id IS NOT NULL";
            case REVIEWED -> "v.verdict_id IS NOT NULL AND NOT v.escalates";
            case ESCALATED -> "v.verdict_id IS NOT NULL AND v.escalates";
        };
    }

    /** The filter's criteria on audit_event e, each as " AND …" with its parameters added to {@code params}. */
    private static String conditions(ReviewFilter filter, List<Object> params) {
        StringBuilder sql = new StringBuilder();
        equal(sql, params, "e.tenant", filter.tenant());
        equal(sql, params, "e.tier", filter.tier());
        equal(sql, params, "e.model", filter.model());
        equal(sql, params, "e.truncation_reason", filter.truncationReason());
        between(sql, params, "e.occurred_at", filter.occurredFrom(), filter.occurredTo());
        if (filter.cutOnly()) {
            sql.append(" AND e.thinking_cut");
        }
        if (filter.requiredOnly()) {
            sql.append(" AND e.review_required");
        }
        return sql.toString();
    }

    private static ReviewItem item(ResultSet r) throws SQLException {
        StoredEvent event = new StoredEvent(
                r.getString(1),
                r.getBytes(2),
                r.getLong(3),
                r.getString(4),
                r.getString(5),
                r.getTimestamp(6).toInstant(),
                r.getLong(7));
        Optional<ReviewClaim> claim = r.getString(8) == null
                ? Optional.empty()
                : Optional.of(new ReviewClaim(
                        r.getString(8),
                        r.getTimestamp(9).toInstant(),
                        r.getTimestamp(10).toInstant()));
        Optional<StoredVerdict> verdict = r.getString(11) == null ? Optional.empty() : Optional.of(verdict(r, 11));
        return new ReviewItem(
                event,
                ReviewState.of(
                        verdict.isPresent(),
                        verdict.map(v -> v.verdict().escalates()).orElse(false),
                        claim.isPresent()),
                claim,
                verdict);
    }

    /** The verdict whose VERDICT_COLUMNS start at column {@code at}. */
    private static StoredVerdict verdict(ResultSet r, int at) throws SQLException {
        return new StoredVerdict(
                new VerdictRecord(
                        r.getString(at),
                        r.getString(at + 1),
                        r.getString(at + 2),
                        r.getString(at + 3),
                        r.getString(at + 4),
                        r.getString(at + 5),
                        r.getBoolean(at + 6),
                        r.getString(at + 7),
                        r.getTimestamp(at + 8).toInstant(),
                        r.getBytes(at + 9)),
                r.getLong(at + 10),
                r.getString(at + 11),
                r.getString(at + 12));
    }

    /**
     * Reserves {@code target} for {@code reviewer} until {@code duration} from now (the database's clock), renewing
     * the reviewer's own claim.
     *
     * @throws DomainException FAILED_PRECONDITION naming who holds a live claim and until when
     */
    public ReviewClaim claim(Target target, String reviewer, Duration duration) {
        return db.connected("cannot claim request '" + Echo.bounded(target.requestId()) + "'", c -> {
            try (PreparedStatement s = prepare(
                            c,
                            "INSERT INTO review_claim (event_id, tenant, reviewer, claimed_at, expires_at) "
                                    + "VALUES (?, ?, ?, now(), now() + make_interval(secs => ?)) "
                                    + "ON CONFLICT (event_id) DO UPDATE SET reviewer = EXCLUDED.reviewer, "
                                    + "claimed_at = EXCLUDED.claimed_at, expires_at = EXCLUDED.expires_at "
                                    + "WHERE review_claim.expires_at <= now() "
                                    + "OR review_claim.reviewer = EXCLUDED.reviewer "
                                    + "RETURNING reviewer, claimed_at, expires_at",
                            target.eventId(),
                            target.tenant(),
                            reviewer,
                            duration.toNanos() / 1e9);
                    ResultSet r = s.executeQuery()) {
                if (r.next()) {
                    return new ReviewClaim(
                            r.getString(1),
                            r.getTimestamp(2).toInstant(),
                            r.getTimestamp(3).toInstant());
                }
            }
            Optional<ReviewClaim> holder = liveClaim(c, target);
            throw new DomainException(
                    Status.Code.FAILED_PRECONDITION,
                    "request '" + Echo.bounded(target.requestId()) + "' is claimed by "
                            + holder.map(h -> "'" + h.reviewer() + "' until " + h.expiresAt())
                                    .orElse("another reviewer")
                            + "; claim it after that, or pick another item");
        });
    }

    /** @throws DomainException FAILED_PRECONDITION when {@code reviewer} holds no live claim on it */
    public void release(Target target, String reviewer) {
        db.transaction("cannot release request '" + Echo.bounded(target.requestId()) + "'", c -> {
            consumeClaim(c, target, reviewer, "release it");
            return null;
        });
    }

    private static void consumeClaim(Connection c, Target target, String reviewer, String action) throws SQLException {
        try (PreparedStatement s = prepare(
                c,
                "DELETE FROM review_claim WHERE event_id = ? AND reviewer = ? AND expires_at > now()",
                target.eventId(),
                reviewer)) {
            if (s.executeUpdate() == 0) {
                throw new DomainException(
                        Status.Code.FAILED_PRECONDITION,
                        "'" + reviewer + "' holds no live claim on request '" + Echo.bounded(target.requestId())
                                + "' (never claimed, released, or expired): claim it first to " + action);
            }
        }
    }

    private static Optional<ReviewClaim> liveClaim(Connection c, Target target) throws SQLException {
        try (PreparedStatement s = prepare(
                        c,
                        "SELECT reviewer, claimed_at, expires_at FROM review_claim WHERE event_id = ? "
                                + "AND expires_at > now()",
                        target.eventId());
                ResultSet r = s.executeQuery()) {
            return r.next()
                    ? Optional.of(new ReviewClaim(
                            r.getString(1),
                            r.getTimestamp(2).toInstant(),
                            r.getTimestamp(3).toInstant()))
                    : Optional.empty();
        }
    }

    /**
     * Appends the verdict {@code build} makes to its tenant's review chain and ends the reviewer's claim, in one
     * transaction.
     *
     * @param build the verdict, given the time it is recorded at (the database's clock)
     * @throws DomainException FAILED_PRECONDITION when {@code reviewer} holds no live claim on the target
     */
    public StoredVerdict record(Target target, String reviewer, Function<java.time.Instant, VerdictRecord> build) {
        return db.transaction("cannot record a verdict on request '" + Echo.bounded(target.requestId()) + "'", c -> {
            consumeClaim(c, target, reviewer, "record a verdict");
            update(
                    c,
                    "INSERT INTO review_chain (tenant, head_position, head_hash) VALUES (?, 0, ?) "
                            + "ON CONFLICT (tenant) DO NOTHING",
                    target.tenant(),
                    LinkHash.GENESIS);
            long position;
            String prev;
            java.time.Instant now;
            try (PreparedStatement s = prepare(
                            c,
                            "SELECT head_position, head_hash, now() FROM review_chain WHERE tenant = ? FOR UPDATE",
                            target.tenant());
                    ResultSet r = s.executeQuery()) {
                r.next();
                position = r.getLong(1) + 1;
                prev = r.getString(2);
                now = micros(r.getTimestamp(3).toInstant());
            }
            VerdictRecord v = build.apply(now);
            String hash = LinkHash.of(prev, v.payload());
            update(
                    c,
                    "INSERT INTO review_verdict (tenant, position, verdict_id, event_id, request_id, reviewer, "
                            + "verdict, escalates, comment, recorded_at, payload, prev_hash, hash) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    v.tenant(),
                    position,
                    v.verdictId(),
                    v.eventId(),
                    v.requestId(),
                    v.reviewer(),
                    v.verdict(),
                    v.escalates(),
                    v.comment(),
                    Timestamp.from(v.recordedAt()),
                    v.payload(),
                    prev,
                    hash);
            update(
                    c,
                    "UPDATE review_chain SET head_position = ?, head_hash = ? WHERE tenant = ?",
                    position,
                    hash,
                    target.tenant());
            return new StoredVerdict(v, position, prev, hash);
        });
    }

    public ReviewHistory history(Target target) {
        return db.snapshot("cannot read the review of request '" + Echo.bounded(target.requestId()) + "'", c -> {
            List<StoredVerdict> verdicts = new ArrayList<>();
            try (PreparedStatement s = prepare(
                            c,
                            "SELECT " + VERDICT_COLUMNS + " FROM review_verdict v WHERE v.tenant = ? "
                                    + "AND v.event_id = ? ORDER BY v.position",
                            target.tenant(),
                            target.eventId());
                    ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    verdicts.add(verdict(r, 1));
                }
            }
            List<ReviewHistory.Continuation> continuations = new ArrayList<>();
            // A continuation is served for the item's own tenant, so it links on the same chain.
            try (PreparedStatement s = prepare(
                            c,
                            "SELECT request_id, occurred_at, thinking_cut FROM audit_event WHERE tenant = ? "
                                    + "AND continued_request_id = ? ORDER BY position",
                            target.tenant(),
                            target.requestId());
                    ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    continuations.add(new ReviewHistory.Continuation(
                            r.getString(1), r.getTimestamp(2).toInstant(), r.getBoolean(3)));
                }
            }
            Optional<ReviewClaim> claim = liveClaim(c, target);
            StoredVerdict newest = verdicts.isEmpty() ? null : verdicts.get(verdicts.size() - 1);
            return new ReviewHistory(
                    ReviewState.of(
                            newest != null, newest != null && newest.verdict().escalates(), claim.isPresent()),
                    claim,
                    List.copyOf(verdicts),
                    List.copyOf(continuations));
        });
    }

    /**
     * Hands the events {@code filter} matches, oldest first per tenant, then the verdicts recorded on them, to
     * {@code sink}, from one snapshot, without holding them all in memory.
     */
    public void export(ReviewFilter filter, Consumer<ExportRow> sink) {
        db.snapshot("cannot export audit events", c -> {
            List<Object> params = new ArrayList<>();
            String where = conditions(filter, params);
            stream(
                    c,
                    "SELECT e.tenant, e.position, e.prev_hash, e.hash, e.payload FROM audit_event e WHERE true" + where
                            + " ORDER BY e.tenant, e.position",
                    params,
                    ExportRow.Kind.EVENT,
                    sink);
            stream(
                    c,
                    "SELECT v.tenant, v.position, v.prev_hash, v.hash, v.payload FROM review_verdict v "
                            + "JOIN audit_event e ON e.event_id = v.event_id WHERE true" + where
                            + " ORDER BY v.tenant, v.position",
                    params,
                    ExportRow.Kind.VERDICT,
                    sink);
            return null;
        });
    }

    private static void stream(
            Connection c, String sql, List<Object> params, ExportRow.Kind kind, Consumer<ExportRow> sink)
            throws SQLException {
        try (PreparedStatement s = prepare(c, sql, params.toArray())) {
            s.setFetchSize(500);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    sink.accept(new ExportRow(
                            kind, r.getString(1), r.getLong(2), r.getString(3), r.getString(4), r.getBytes(5)));
                }
            }
        }
    }
}
