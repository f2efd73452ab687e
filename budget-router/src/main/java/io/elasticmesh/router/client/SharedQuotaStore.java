package io.elasticmesh.router.client;

import io.elasticmesh.router.QuotaStore;
import io.elasticmesh.router.QuotaStoreUnavailable;
import io.elasticmesh.router.SharedBucket;
import io.elasticmesh.router.Tenant;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Tenants' shared buckets in PostgreSQL (tables {@code quota_bucket}, {@code quota_lease}): one transaction per
 * lease, which locks the tenant's bucket row, so concurrent leases of any replicas never grant a token twice. Time
 * is the database's, so the replicas' clocks do not matter.
 */
public final class SharedQuotaStore implements QuotaStore {

    private static final Logger LOG = Logger.getLogger(SharedQuotaStore.class);

    private final DataSource dataSource;
    private final String replica;
    private final long ttlMillis;

    public SharedQuotaStore(DataSource dataSource, String replica, Duration ttl) {
        this.dataSource = dataSource;
        this.replica = replica;
        this.ttlMillis = ttl.toMillis();
    }

    @Override
    public Grant lease(Tenant tenant, long slice, long used) {
        try {
            return Transactions.run(dataSource, connection -> lease(connection, tenant, slice, used));
        } catch (SQLException e) {
            LOG.warnf("cannot lease quota of tenant '%s' from the shared store: %s", tenant.name(), e.getMessage());
            throw new QuotaStoreUnavailable(
                    "the shared quota store (router.shared.jdbc-url) is unreachable: " + e.getMessage());
        }
    }

    private Grant lease(Connection connection, Tenant tenant, long slice, long used) throws SQLException {
        long tokensPerMinute = tenant.tokensPerMinute();
        update(connection, """
                INSERT INTO quota_bucket (tenant, tokens, refilled_at) VALUES (?, ?, now())
                ON CONFLICT (tenant) DO NOTHING""", tenant.name(), (double) tokensPerMinute);
        SharedBucket bucket;
        long nowMicros;
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT tokens, (extract(epoch FROM refilled_at) * 1000000)::bigint,
                       (extract(epoch FROM now()) * 1000000)::bigint
                FROM quota_bucket WHERE tenant = ? FOR UPDATE""")) {
            select.setString(1, tenant.name());
            try (ResultSet row = select.executeQuery()) {
                row.next();
                bucket = new SharedBucket(row.getDouble(1), row.getLong(2));
                nowMicros = row.getLong(3);
            }
        }
        // This replica's previous lease, and any that expired (a replica that died), come back whole.
        long returned = 0;
        try (PreparedStatement ended = connection.prepareStatement("""
                DELETE FROM quota_lease WHERE tenant = ? AND (replica = ? OR expires_at <= now()) RETURNING tokens""")) {
            ended.setString(1, tenant.name());
            ended.setString(2, replica);
            try (ResultSet rows = ended.executeQuery()) {
                while (rows.next()) {
                    returned += rows.getLong(1);
                }
            }
        }
        SharedBucket.Lease lease = bucket.lease(tokensPerMinute, nowMicros, returned, used, slice);
        update(
                connection,
                "UPDATE quota_bucket SET tokens = ?, refilled_at = to_timestamp(? / 1000000.0) WHERE tenant = ?",
                lease.bucket().tokens(),
                lease.bucket().refilledAtMicros(),
                tenant.name());
        update(connection, """
                INSERT INTO quota_lease (tenant, replica, tokens, expires_at)
                VALUES (?, ?, ?, now() + ? * interval '1 millisecond')""", tenant.name(), replica, lease.granted(), ttlMillis);
        return new Grant(lease.granted(), lease.bucket().tokens());
    }

    private static void update(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.executeUpdate();
        }
    }
}
