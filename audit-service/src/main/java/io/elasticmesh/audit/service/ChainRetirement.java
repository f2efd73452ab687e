package io.elasticmesh.audit.service;

import static io.elasticmesh.audit.service.AuditDatabase.prepare;
import static io.elasticmesh.audit.service.AuditDatabase.update;

import io.elasticmesh.audit.ChainHash;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Shortens a tenant's chain from its oldest end under a signed checkpoint, so that it stays verifiable. */
@ApplicationScoped
public class ChainRetirement {

    private final AuditDatabase db;

    public ChainRetirement(AuditDatabase db) {
        this.db = db;
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
        return db.transaction("retention for tenant '" + tenant + "' failed", c -> {
            update(c, "SELECT 1 FROM audit_chain WHERE tenant = ? FOR UPDATE", tenant);
            // An event is kept when stored at or after the cutoff of its tier; the oldest kept one stops deletion.
            StringBuilder whenTier = new StringBuilder();
            List<Object> params = new ArrayList<>(List.of(tenant));
            tierCutoffs.forEach((tier, instant) -> {
                whenTier.append(" WHEN tier = ? THEN CAST(? AS timestamptz)");
                params.add(tier);
                params.add(Timestamp.from(instant));
            });
            String cutoffOf = tierCutoffs.isEmpty()
                    ? "CAST(? AS timestamptz)"
                    : "CASE" + whenTier + " ELSE CAST(? AS timestamptz) END";
            params.add(Timestamp.from(cutoff));
            long last;
            String hash;
            try (PreparedStatement s = prepare(
                            c,
                            "SELECT position, hash FROM audit_event e WHERE tenant = ? AND "
                                    + "position < coalesce((SELECT min(position) FROM audit_event WHERE tenant = e.tenant AND "
                                    + "stored_at >= " + cutoffOf
                                    + "), 9223372036854775807) ORDER BY position DESC LIMIT 1",
                            params.toArray());
                    ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return 0L;
                }
                last = r.getLong(1);
                hash = r.getString(2);
            }
            // The service role may not delete: audit_retire (V2) deletes, moves the checkpoint and logs it.
            try (PreparedStatement retire = prepare(
                            c,
                            "SELECT audit_retire(?, ?, ?, ?)",
                            tenant,
                            last,
                            hash,
                            ChainHash.checkpointMac(checkpointKey, tenant, last, hash));
                    ResultSet r = retire.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        });
    }
}
