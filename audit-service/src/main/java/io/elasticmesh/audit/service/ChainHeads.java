package io.elasticmesh.audit.service;

import static io.elasticmesh.audit.service.AuditDatabase.prepare;

import io.elasticmesh.audit.ChainHead;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads the tenants' chains (head and retention checkpoint), for anchoring and retention. */
@ApplicationScoped
public class ChainHeads {

    private final AuditDatabase db;

    public ChainHeads(AuditDatabase db) {
        this.db = db;
    }

    /** Every tenant's chain. */
    public List<ChainHead> chains() {
        return db.connected("cannot read the chain heads", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT tenant, head_position, head_hash, "
                            + "retired_position, retired_hash FROM audit_chain ORDER BY tenant");
                    ResultSet r = s.executeQuery()) {
                List<ChainHead> chains = new ArrayList<>();
                while (r.next()) {
                    chains.add(
                            new ChainHead(r.getString(1), r.getLong(2), r.getString(3), r.getLong(4), r.getString(5)));
                }
                return chains;
            }
        });
    }

    /** The hash the database holds at {@code position} of {@code chain}: a stored link's, or the checkpoint's. */
    public Optional<String> hashAt(ChainHead chain, long position) {
        Optional<String> known = chain.knownHash(position);
        if (known.isPresent()) {
            return known;
        }
        return db.connected("cannot read link " + position + " of tenant '" + chain.tenant() + "'", c -> {
            try (PreparedStatement s = prepare(
                            c,
                            "SELECT hash FROM audit_event WHERE tenant = ? AND position = ?",
                            chain.tenant(),
                            position);
                    ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
            }
        });
    }

    /** Tenants that have a chain. */
    public List<String> tenants() {
        return db.connected("cannot list tenants", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT tenant FROM audit_chain ORDER BY tenant");
                    ResultSet r = s.executeQuery()) {
                List<String> tenants = new ArrayList<>();
                while (r.next()) {
                    tenants.add(r.getString(1));
                }
                return tenants;
            }
        });
    }
}
