package io.elasticmesh.audit.service;

import static io.elasticmesh.audit.service.AuditDatabase.micros;
import static io.elasticmesh.audit.service.AuditDatabase.prepare;

import io.elasticmesh.audit.ChainReport;
import io.elasticmesh.audit.VerdictRecord;
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

/**
 * Recomputes a tenant's review chain (its verdicts) as the database holds it, from its first link to its recorded
 * head, and reports the first link that does not hold: a verdict row altered (hash, or a column against its
 * payload) or deleted (a gap, or a chain that ends before its head).
 */
@ApplicationScoped
public class VerdictChainVerifier {

    /** The outcome: links checked and the first break. */
    public record Result(long checked, Optional<ChainReport.Break> firstBreak) {}

    private final AuditDatabase db;

    public VerdictChainVerifier(AuditDatabase db) {
        this.db = db;
    }

    /** @param decode the columns a verdict's payload implies */
    public Result verify(String tenant, Function<byte[], VerdictRecord> decode) {
        return db.snapshot("cannot verify the review chain of tenant '" + tenant + "'", c -> verify(c, tenant, decode));
    }

    private static Result verify(Connection c, String tenant, Function<byte[], VerdictRecord> decode)
            throws SQLException {
        long headPosition = 0;
        String headHash = LinkHash.GENESIS;
        try (PreparedStatement s =
                        prepare(c, "SELECT head_position, head_hash FROM review_chain WHERE tenant = ?", tenant);
                ResultSet r = s.executeQuery()) {
            if (r.next()) {
                headPosition = r.getLong(1);
                headHash = r.getString(2);
            }
        }
        String prev = LinkHash.GENESIS;
        long expected = 1;
        try (PreparedStatement s = prepare(
                c,
                "SELECT position, prev_hash, hash, payload, verdict_id, tenant, event_id, request_id, reviewer, "
                        + "verdict, escalates, comment, recorded_at FROM review_verdict WHERE tenant = ? "
                        + "ORDER BY position",
                tenant)) {
            s.setFetchSize(500);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    long position = r.getLong(1);
                    String eventId = r.getString(7);
                    String requestId = r.getString(8);
                    if (position != expected) {
                        return broken(
                                expected,
                                expected,
                                "",
                                "",
                                "verdict link " + expected + " is missing: its row was deleted");
                    }
                    if (!r.getString(2).equals(prev)) {
                        return broken(
                                expected,
                                position,
                                eventId,
                                requestId,
                                "the verdict's previous hash does " + "not match verdict link " + (position - 1)
                                        + ": that verdict was rewritten");
                    }
                    byte[] payload = r.getBytes(4);
                    if (!LinkHash.of(prev, payload).equals(r.getString(3))) {
                        return broken(
                                expected,
                                position,
                                eventId,
                                requestId,
                                "the verdict's hash does not match " + "the stored verdict: the row was altered");
                    }
                    VerdictRecord stored = new VerdictRecord(
                            r.getString(5),
                            r.getString(6),
                            eventId,
                            requestId,
                            r.getString(9),
                            r.getString(10),
                            r.getBoolean(11),
                            r.getString(12),
                            r.getTimestamp(13).toInstant(),
                            payload);
                    Optional<String> column = differingColumn(stored, decode.apply(payload));
                    if (column.isPresent()) {
                        return broken(
                                expected,
                                position,
                                eventId,
                                requestId,
                                "the verdict's column " + column.get()
                                        + " does not match the stored verdict: the row was altered");
                    }
                    prev = r.getString(3);
                    expected++;
                }
            }
        }
        if (expected - 1 != headPosition || !prev.equals(headHash)) {
            return broken(
                    expected,
                    expected,
                    "",
                    "",
                    "the review chain ends at verdict link " + (expected - 1) + " but its head is verdict link "
                            + headPosition + ": the newest verdicts were deleted");
        }
        return new Result(expected - 1, Optional.empty());
    }

    private static Result broken(long expected, long position, String eventId, String requestId, String problem) {
        return new Result(
                expected - 1,
                Optional.of(new ChainReport.Break(ChainReport.VERDICTS, position, eventId, requestId, problem)));
    }

    private static Optional<String> differingColumn(VerdictRecord stored, VerdictRecord implied) {
        record Column(String name, Object stored, Object implied) {}
        return List.of(
                        new Column("verdict_id", stored.verdictId(), implied.verdictId()),
                        new Column("tenant", stored.tenant(), implied.tenant()),
                        new Column("event_id", stored.eventId(), implied.eventId()),
                        new Column("request_id", stored.requestId(), implied.requestId()),
                        new Column("reviewer", stored.reviewer(), implied.reviewer()),
                        new Column("verdict", stored.verdict(), implied.verdict()),
                        new Column("escalates", stored.escalates(), implied.escalates()),
                        new Column("comment", stored.comment(), implied.comment()),
                        new Column("recorded_at", stored.recordedAt(), micros(implied.recordedAt())))
                .stream()
                .filter(col -> !Objects.equals(col.stored(), col.implied()))
                .map(Column::name)
                .findFirst();
    }
}
