package io.elasticmesh.audit.service;

import static io.elasticmesh.audit.service.AuditDatabase.micros;
import static io.elasticmesh.audit.service.AuditDatabase.prepare;

import io.elasticmesh.audit.ChainAnchor;
import io.elasticmesh.audit.ChainHash;
import io.elasticmesh.audit.ChainReport;
import io.elasticmesh.audit.EventRecord;
import io.elasticmesh.auditchain.LinkHash;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/** Recomputes a tenant's hash chain as the database holds it, and reports the first link that does not hold. */
@ApplicationScoped
public class ChainVerifier {

    private final AuditDatabase db;

    public ChainVerifier(AuditDatabase db) {
        this.db = db;
    }

    /**
     * Recomputes {@code tenant}'s chain from its retention checkpoint to its head, and checks it against the
     * tenant's newest anchor.
     *
     * @param decode the columns an event's payload implies, to catch a column changed without its payload
     * @param checkpointKey the key that signed the retention checkpoint
     * @param anchor the tenant's newest signed head, kept outside the database; empty when it has none
     */
    public ChainReport verify(
            String tenant, Function<byte[], EventRecord> decode, String checkpointKey, Optional<ChainAnchor> anchor) {
        // One snapshot for the whole walk, so events stored meanwhile do not look like a broken head.
        return db.snapshot(
                "cannot verify the chain of tenant '" + tenant + "'",
                c -> verify(c, tenant, decode, checkpointKey, anchor));
    }

    private static ChainReport verify(
            Connection c,
            String tenant,
            Function<byte[], EventRecord> decode,
            String checkpointKey,
            Optional<ChainAnchor> anchor)
            throws SQLException {
        long anchored = anchor.map(ChainAnchor::position).orElse(0L);
        long headPosition;
        String headHash;
        long retired;
        String prev;
        try (PreparedStatement s = prepare(
                        c,
                        "SELECT head_position, head_hash, retired_position, retired_hash, "
                                + "checkpoint_mac FROM audit_chain WHERE tenant = ?",
                        tenant);
                ResultSet r = s.executeQuery()) {
            if (!r.next()) {
                return anchor.map(a -> broken(
                                0,
                                0,
                                anchored,
                                a.position(),
                                "",
                                "",
                                "the tenant's chain was anchored "
                                        + "at link " + a.position() + " at " + a.anchoredAt()
                                        + " but the database has no chain for "
                                        + "it: its events and chain row were deleted"))
                        .orElse(new ChainReport(0, 0, 0, Optional.empty()));
            }
            headPosition = r.getLong(1);
            headHash = r.getString(2);
            retired = r.getLong(3);
            prev = r.getString(4);
            if (retired > 0
                    && !ChainHash.checkpointMac(checkpointKey, tenant, retired, prev)
                            .equals(r.getString(5))) {
                return broken(
                        0,
                        retired,
                        anchored,
                        retired,
                        "",
                        "",
                        "the retention checkpoint at position " + retired
                                + " is not signed with the checkpoint key: it was altered");
            }
        }
        // The hash the database holds at the anchor's position, once the walk has vouched for it.
        Optional<String> hashAtAnchor = anchored == retired ? Optional.of(prev) : Optional.empty();
        long expected = retired + 1;
        long checked = 0;
        try (PreparedStatement s = prepare(
                c,
                "SELECT position, prev_hash, hash, payload, event_id, request_id, "
                        + "trace_id, occurred_at, tenant, tier, model, thinking_cut, truncation_reason, thinking_text, "
                        + "review_required, continued_request_id FROM audit_event WHERE tenant = ? ORDER BY position",
                tenant)) {
            s.setFetchSize(500);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    long position = r.getLong(1);
                    String eventId = r.getString(5);
                    String requestId = r.getString(6);
                    if (position != expected) {
                        return broken(
                                checked,
                                retired,
                                anchored,
                                expected,
                                "",
                                "",
                                "link " + expected + " is missing: its row was deleted");
                    }
                    if (!r.getString(2).equals(prev)) {
                        return broken(
                                checked,
                                retired,
                                anchored,
                                position,
                                eventId,
                                requestId,
                                "its previous hash " + "does not match link " + (position - 1)
                                        + ": that link was rewritten");
                    }
                    byte[] payload = r.getBytes(4);
                    if (!LinkHash.of(prev, payload).equals(r.getString(3))) {
                        return broken(
                                checked,
                                retired,
                                anchored,
                                position,
                                eventId,
                                requestId,
                                "its hash does not " + "match the stored event: the row was altered");
                    }
                    EventRecord stored = new EventRecord(
                            eventId,
                            requestId,
                            r.getString(7),
                            r.getTimestamp(8).toInstant(),
                            r.getString(9),
                            r.getString(10),
                            r.getString(11),
                            r.getBoolean(12),
                            r.getString(13),
                            r.getString(14),
                            r.getBoolean(15),
                            r.getString(16),
                            payload);
                    Optional<String> column = differingColumn(stored, decode.apply(payload));
                    if (column.isPresent()) {
                        return broken(
                                checked,
                                retired,
                                anchored,
                                position,
                                eventId,
                                requestId,
                                "its column " + column.get() + " does not match the stored event: the row was altered");
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
            return broken(
                    checked,
                    retired,
                    anchored,
                    expected,
                    "",
                    "",
                    "the chain ends at link " + (expected - 1) + " but its head is link " + headPosition
                            + ": the newest rows were deleted");
        }
        if (anchor.isPresent()) {
            Optional<String> problem = anchor.get().contradiction(headPosition, retired, hashAtAnchor);
            if (problem.isPresent()) {
                return broken(checked, retired, anchored, anchored, "", "", problem.get());
            }
        }
        return new ChainReport(checked, retired, anchored, Optional.empty());
    }

    private static ChainReport broken(
            long checked,
            long retired,
            long anchored,
            long position,
            String eventId,
            String requestId,
            String problem) {
        return new ChainReport(
                checked, retired, anchored, Optional.of(new ChainReport.Break(position, eventId, requestId, problem)));
    }

    private static Optional<String> differingColumn(EventRecord stored, EventRecord implied) {
        record Column(String name, Object stored, Object implied) {}
        return List.of(
                        new Column("event_id", stored.eventId(), implied.eventId()),
                        new Column("request_id", stored.requestId(), implied.requestId()),
                        new Column("trace_id", stored.traceId(), implied.traceId()),
                        new Column("occurred_at", stored.occurredAt(), micros(implied.occurredAt())),
                        new Column("tenant", stored.tenant(), implied.tenant()),
                        new Column("tier", stored.tier(), implied.tier()),
                        new Column("model", stored.model(), implied.model()),
                        new Column("thinking_cut", stored.thinkingCut(), implied.thinkingCut()),
                        new Column("truncation_reason", stored.truncationReason(), implied.truncationReason()),
                        new Column("thinking_text", stored.thinkingText(), implied.thinkingText()),
                        new Column("review_required", stored.reviewRequired(), implied.reviewRequired()),
                        new Column("continued_request_id", stored.continuedRequestId(), implied.continuedRequestId()))
                .stream()
                .filter(col -> !Objects.equals(col.stored(), col.implied()))
                .map(Column::name)
                .findFirst();
    }
}
