package io.elasticmesh.audit.service;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * Audit events in PostgreSQL, one hash chain per tenant. Events are linked to their tenant's chain head inside the
 * transaction that stores them, with the tenant's chain row locked, so links follow store order exactly; an event id
 * already stored is skipped, so redelivered events are stored once.
 */
@ApplicationScoped
public class AuditStore {

    /** A page of a listing; {@code nextBeforeSeq} is set when more events match. */
    public record Page(List<StoredEvent> events, OptionalLong nextBeforeSeq) {
    }

    private static final String COLUMNS = "tenant, payload, position, prev_hash, hash, stored_at, seq";

    private final DataSource db;

    public AuditStore(DataSource db) {
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
        return transaction("cannot store " + events.size() + " audit events", c -> appendLocked(c, events));
    }

    /** Work inside one transaction, committed when it returns, rolled back when it throws. */
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T transaction(String failure, Work<T> work) {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(failure + ": " + e.getMessage(), e);
        }
    }

    private Set<String> appendLocked(Connection c, List<EventRecord> events) throws SQLException {
        Map<String, List<EventRecord>> byTenant = events.stream()
                .collect(Collectors.groupingBy(EventRecord::tenant, LinkedHashMap::new, Collectors.toList()));
        Map<String, ChainHead> heads = lockHeads(c, byTenant.keySet());
        // Checked under the tenants' locks: a concurrent store of the same event waits for them, so it is seen here.
        Set<String> stored = storedIds(c, events);
        Set<String> fresh = new LinkedHashSet<>();
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO audit_event (tenant, position, event_id, "
                + "request_id, trace_id, occurred_at, tier, model, thinking_cut, truncation_reason, thinking_text, "
                + "payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                PreparedStatement moveHead = c.prepareStatement(
                        "UPDATE audit_chain SET head_position = ?, head_hash = ? WHERE tenant = ?")) {
            for (Map.Entry<String, List<EventRecord>> tenant : byTenant.entrySet()) {
                ChainHead head = heads.get(tenant.getKey());
                long position = head.position();
                String hash = head.hash();
                for (EventRecord e : tenant.getValue()) {
                    if (stored.contains(e.eventId()) || !fresh.add(e.eventId())) {
                        continue;
                    }
                    String prev = hash;
                    position++;
                    hash = ChainHash.link(prev, e.payload());
                    bind(insert, e.tenant(), position, e.eventId(), e.requestId(), e.traceId(),
                            Timestamp.from(micros(e.occurredAt())), e.tier(), e.model(), e.thinkingCut(),
                            e.truncationReason(), e.thinkingText(), e.payload(), prev, hash);
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

    private record ChainHead(long position, String hash) {
    }

    /** Creates missing chains and locks every tenant's chain row, in name order so that lockers cannot deadlock. */
    private static Map<String, ChainHead> lockHeads(Connection c, Collection<String> tenants) throws SQLException {
        try (PreparedStatement create = c.prepareStatement("INSERT INTO audit_chain (tenant, head_position, "
                + "head_hash, retired_position, retired_hash, checkpoint_mac) VALUES (?, 0, ?, 0, ?, '') "
                + "ON CONFLICT (tenant) DO NOTHING")) {
            for (String tenant : tenants) {
                bind(create, tenant, ChainHash.GENESIS, ChainHash.GENESIS);
                create.addBatch();
            }
            create.executeBatch();
        }
        Map<String, ChainHead> heads = new HashMap<>();
        try (PreparedStatement s = prepare(c, "SELECT tenant, head_position, head_hash FROM audit_chain "
                + "WHERE tenant = ANY(?) ORDER BY tenant FOR UPDATE", c.createArrayOf("text", tenants.toArray()));
                ResultSet r = s.executeQuery()) {
            while (r.next()) {
                heads.put(r.getString(1), new ChainHead(r.getLong(2), r.getString(3)));
            }
        }
        return heads;
    }

    private static Set<String> storedIds(Connection c, List<EventRecord> events) throws SQLException {
        Object[] ids = events.stream().map(EventRecord::eventId).toArray();
        Set<String> stored = new HashSet<>();
        try (PreparedStatement s = prepare(c, "SELECT event_id FROM audit_event WHERE event_id = ANY(?)",
                c.createArrayOf("text", ids)); ResultSet r = s.executeQuery()) {
            while (r.next()) {
                stored.add(r.getString(1));
            }
        }
        return stored;
    }

    public Optional<StoredEvent> findByRequestId(String requestId) {
        List<StoredEvent> found = query("SELECT " + COLUMNS + " FROM audit_event WHERE request_id = ? ORDER BY seq "
                + "LIMIT 1", List.of(requestId));
        return found.stream().findFirst();
    }

    /**
     * Events matching {@code filter}, newest stored first.
     *
     * @param beforeSeq only events stored before this one (the previous page's last); 0 for the first page
     */
    public Page list(EventFilter filter, long beforeSeq, int pageSize) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM audit_event WHERE true");
        List<Object> params = new ArrayList<>();
        equal(sql, params, "tenant", filter.tenant());
        equal(sql, params, "tier", filter.tier());
        equal(sql, params, "model", filter.model());
        equal(sql, params, "truncation_reason", filter.truncationReason());
        equal(sql, params, "request_id", filter.requestId());
        equal(sql, params, "trace_id", filter.traceId());
        if (filter.occurredFrom() != null) {
            sql.append(" AND occurred_at >= ?");
            params.add(Timestamp.from(filter.occurredFrom()));
        }
        if (filter.occurredTo() != null) {
            sql.append(" AND occurred_at < ?");
            params.add(Timestamp.from(filter.occurredTo()));
        }
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
            return new Page(found, OptionalLong.empty());
        }
        List<StoredEvent> page = found.subList(0, pageSize);
        return new Page(List.copyOf(page), OptionalLong.of(page.get(pageSize - 1).seq()));
    }

    private static void equal(StringBuilder sql, List<Object> params, String column, String value) {
        if (!value.isEmpty()) {
            sql.append(" AND ").append(column).append(" = ?");
            params.add(value);
        }
    }

    private List<StoredEvent> query(String sql, List<Object> params) {
        try (Connection c = db.getConnection(); PreparedStatement s = prepare(c, sql, params.toArray());
                ResultSet r = s.executeQuery()) {
            List<StoredEvent> events = new ArrayList<>();
            while (r.next()) {
                events.add(new StoredEvent(r.getString(1), r.getBytes(2), r.getLong(3), r.getString(4),
                        r.getString(5), r.getTimestamp(6).toInstant(), r.getLong(7)));
            }
            return events;
        } catch (SQLException e) {
            throw new IllegalStateException("audit query failed: " + e.getMessage(), e);
        }
    }

    /**
     * Recomputes {@code tenant}'s chain from its retention checkpoint to its head, and checks it against the
     * tenant's newest anchor.
     *
     * @param decode the columns an event's payload implies, to catch a column changed without its payload
     * @param checkpointKey the key that signed the retention checkpoint
     * @param anchor the tenant's newest signed head, kept outside the database; empty when it has none
     */
    public ChainReport verify(String tenant, Function<byte[], EventRecord> decode, String checkpointKey,
            Optional<ChainAnchor> anchor) {
        try (Connection c = db.getConnection()) {
            // One snapshot for the whole walk, so events stored meanwhile do not look like a broken head.
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                return verify(c, tenant, decode, checkpointKey, anchor);
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot verify the chain of tenant '" + tenant + "': " + e.getMessage(),
                    e);
        }
    }

    private ChainReport verify(Connection c, String tenant, Function<byte[], EventRecord> decode,
            String checkpointKey, Optional<ChainAnchor> anchor) throws SQLException {
        long anchored = anchor.map(ChainAnchor::position).orElse(0L);
        long headPosition;
        String headHash;
        long retired;
        String prev;
        try (PreparedStatement s = prepare(c, "SELECT head_position, head_hash, retired_position, retired_hash, "
                + "checkpoint_mac FROM audit_chain WHERE tenant = ?", tenant); ResultSet r = s.executeQuery()) {
            if (!r.next()) {
                return anchor.map(a -> broken(0, 0, anchored, a.position(), "", "", "the tenant's chain was anchored "
                        + "at link " + a.position() + " at " + a.anchoredAt() + " but the database has no chain for "
                        + "it: its events and chain row were deleted"))
                        .orElse(new ChainReport(0, 0, 0, Optional.empty()));
            }
            headPosition = r.getLong(1);
            headHash = r.getString(2);
            retired = r.getLong(3);
            prev = r.getString(4);
            if (retired > 0 && !ChainHash.checkpointMac(checkpointKey, tenant, retired, prev).equals(r.getString(5))) {
                return broken(0, retired, anchored, retired, "", "", "the retention checkpoint at position " + retired
                        + " is not signed with the checkpoint key: it was altered");
            }
        }
        // The hash the database holds at the anchor's position, once the walk has vouched for it.
        Optional<String> hashAtAnchor = anchored == retired ? Optional.of(prev) : Optional.empty();
        long expected = retired + 1;
        long checked = 0;
        try (PreparedStatement s = prepare(c, "SELECT position, prev_hash, hash, payload, event_id, request_id, "
                + "trace_id, occurred_at, tenant, tier, model, thinking_cut, truncation_reason, thinking_text "
                + "FROM audit_event WHERE tenant = ? ORDER BY position", tenant)) {
            s.setFetchSize(500);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    long position = r.getLong(1);
                    String eventId = r.getString(5);
                    String requestId = r.getString(6);
                    if (position != expected) {
                        return broken(checked, retired, anchored, expected, "", "", "link " + expected
                                + " is missing: its row was deleted");
                    }
                    if (!r.getString(2).equals(prev)) {
                        return broken(checked, retired, anchored, position, eventId, requestId, "its previous hash "
                                + "does not match link " + (position - 1) + ": that link was rewritten");
                    }
                    byte[] payload = r.getBytes(4);
                    if (!ChainHash.link(prev, payload).equals(r.getString(3))) {
                        return broken(checked, retired, anchored, position, eventId, requestId, "its hash does not "
                                + "match the stored event: the row was altered");
                    }
                    EventRecord stored = new EventRecord(eventId, requestId, r.getString(7),
                            r.getTimestamp(8).toInstant(), r.getString(9), r.getString(10), r.getString(11),
                            r.getBoolean(12), r.getString(13), r.getString(14), payload);
                    Optional<String> column = differingColumn(stored, decode.apply(payload));
                    if (column.isPresent()) {
                        return broken(checked, retired, anchored, position, eventId, requestId, "its column "
                                + column.get() + " does not match the stored event: the row was altered");
                    }
                    prev = r.getString(3);
                    if (position == anchored) {
                        hashAtAnchor = Optional.of(prev);
                    }
                    expected++;
                    checked++;
                }
            }
        }
        if (expected - 1 != headPosition || !prev.equals(headHash)) {
            return broken(checked, retired, anchored, expected, "", "", "the chain ends at link " + (expected - 1)
                    + " but its head is link " + headPosition + ": the newest rows were deleted");
        }
        if (anchor.isPresent()) {
            Optional<String> problem = anchor.get().contradiction(headPosition, retired, hashAtAnchor);
            if (problem.isPresent()) {
                return broken(checked, retired, anchored, anchored, "", "", problem.get());
            }
        }
        return new ChainReport(checked, retired, anchored, Optional.empty());
    }

    private static ChainReport broken(long checked, long retired, long anchored, long position, String eventId,
            String requestId, String problem) {
        return new ChainReport(checked, retired, anchored,
                Optional.of(new ChainReport.Break(position, eventId, requestId, problem)));
    }

    private static Optional<String> differingColumn(EventRecord stored, EventRecord implied) {
        record Column(String name, Object stored, Object implied) {
        }
        return List.of(new Column("event_id", stored.eventId(), implied.eventId()),
                new Column("request_id", stored.requestId(), implied.requestId()),
                new Column("trace_id", stored.traceId(), implied.traceId()),
                new Column("occurred_at", stored.occurredAt(), micros(implied.occurredAt())),
                new Column("tenant", stored.tenant(), implied.tenant()),
                new Column("tier", stored.tier(), implied.tier()),
                new Column("model", stored.model(), implied.model()),
                new Column("thinking_cut", stored.thinkingCut(), implied.thinkingCut()),
                new Column("truncation_reason", stored.truncationReason(), implied.truncationReason()),
                new Column("thinking_text", stored.thinkingText(), implied.thinkingText()))
                .stream().filter(col -> !Objects.equals(col.stored(), col.implied())).map(Column::name).findFirst();
    }

    /**
     * Deletes the longest run of {@code tenant}'s oldest events that have all expired (always the oldest links, so
     * the chain keeps one start) and moves its signed checkpoint to the last deleted link.
     *
     * @param tierCutoffs events of these tiers expire when stored before the tier's instant
     * @param cutoff events of any other tier expire when stored before this
     * @return how many events were deleted
     */
    public long retire(String tenant, Map<String, Instant> tierCutoffs, Instant cutoff, String checkpointKey) {
        return transaction("retention for tenant '" + tenant + "' failed", c -> {
            update(c, "SELECT 1 FROM audit_chain WHERE tenant = ? FOR UPDATE", tenant);
            // An event is kept when stored at or after the cutoff of its tier; the oldest kept one stops deletion.
            StringBuilder whenTier = new StringBuilder();
            List<Object> params = new ArrayList<>(List.of(tenant));
            tierCutoffs.forEach((tier, instant) -> {
                whenTier.append(" WHEN tier = ? THEN CAST(? AS timestamptz)");
                params.add(tier);
                params.add(Timestamp.from(instant));
            });
            String cutoffOf = tierCutoffs.isEmpty() ? "CAST(? AS timestamptz)"
                    : "CASE" + whenTier + " ELSE CAST(? AS timestamptz) END";
            params.add(Timestamp.from(cutoff));
            long last;
            String hash;
            try (PreparedStatement s = prepare(c, "SELECT position, hash FROM audit_event e WHERE tenant = ? AND "
                    + "position < coalesce((SELECT min(position) FROM audit_event WHERE tenant = e.tenant AND "
                    + "stored_at >= " + cutoffOf + "), 9223372036854775807) ORDER BY position DESC LIMIT 1",
                    params.toArray()); ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return 0L;
                }
                last = r.getLong(1);
                hash = r.getString(2);
            }
            // The service role may not delete: audit_retire (V2) deletes, moves the checkpoint and logs it.
            try (PreparedStatement retire = prepare(c, "SELECT audit_retire(?, ?, ?, ?)", tenant, last, hash,
                    ChainHash.checkpointMac(checkpointKey, tenant, last, hash)); ResultSet r = retire.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        });
    }

    /** One tenant's chain as the database holds it. */
    public record Chain(String tenant, long headPosition, String headHash, long retiredPosition, String retiredHash) {

        /** The hash the database holds at {@code position}, when that is the retention checkpoint or the head. */
        Optional<String> knownHash(long position) {
            return position == headPosition ? Optional.of(headHash)
                    : position == retiredPosition ? Optional.of(retiredHash) : Optional.empty();
        }
    }

    /** Every tenant's chain. */
    public List<Chain> chains() {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("SELECT tenant, "
                + "head_position, head_hash, retired_position, retired_hash FROM audit_chain ORDER BY tenant");
                ResultSet r = s.executeQuery()) {
            List<Chain> chains = new ArrayList<>();
            while (r.next()) {
                chains.add(new Chain(r.getString(1), r.getLong(2), r.getString(3), r.getLong(4), r.getString(5)));
            }
            return chains;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the chain heads: " + e.getMessage(), e);
        }
    }

    /** The hash the database holds at {@code position} of {@code chain}: a stored link's, or the checkpoint's. */
    public Optional<String> hashAt(Chain chain, long position) {
        Optional<String> known = chain.knownHash(position);
        if (known.isPresent()) {
            return known;
        }
        try (Connection c = db.getConnection(); PreparedStatement s = prepare(c, "SELECT hash FROM audit_event "
                + "WHERE tenant = ? AND position = ?", chain.tenant(), position); ResultSet r = s.executeQuery()) {
            return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read link " + position + " of tenant '" + chain.tenant() + "': "
                    + e.getMessage(), e);
        }
    }

    /** Tenants that have a chain. */
    public List<String> tenants() {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT tenant FROM audit_chain ORDER BY tenant"); ResultSet r = s.executeQuery()) {
            List<String> tenants = new ArrayList<>();
            while (r.next()) {
                tenants.add(r.getString(1));
            }
            return tenants;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list tenants: " + e.getMessage(), e);
        }
    }

    /** Records one compliance query. */
    public void logQuery(QueryLogEntry entry) {
        try (Connection c = db.getConnection()) {
            update(c, "INSERT INTO audit_query_log (principal, principal_tenant, roles, peer, rpc, request, outcome) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?)", entry.principal(), entry.principalTenant(), entry.roles(),
                    entry.peer(), entry.rpc(), entry.request(), entry.outcome());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record the query: " + e.getMessage(), e);
        }
    }

    /** PostgreSQL keeps microseconds. */
    private static Instant micros(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement s = c.prepareStatement(sql);
        bind(s, params);
        return s;
    }

    private static void bind(PreparedStatement s, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            s.setObject(i + 1, params[i]);
        }
    }

    private static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement s = prepare(c, sql, params)) {
            if (s.execute()) {
                return 0;
            }
            return s.getUpdateCount();
        }
    }
}
