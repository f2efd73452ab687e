package io.elasticmesh.router.client;

import io.elasticmesh.router.DeadlineSplit.ModelSpeed;
import io.elasticmesh.router.QuotaStoreUnavailable;
import io.elasticmesh.router.ReplicaStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Replicas' heartbeats and published model speeds in PostgreSQL (tables {@code router_replica}, {@code model_speed}):
 * one transaction per heartbeat. Liveness is judged on the database's clock, so the replicas' clocks do not matter.
 */
public final class SharedReplicaStore implements ReplicaStore {

    private static final Logger LOG = Logger.getLogger(SharedReplicaStore.class);

    private final DataSource dataSource;
    private final String replica;
    private final long ttlMillis;

    public SharedReplicaStore(DataSource dataSource, String replica, Duration ttl) {
        this.dataSource = dataSource;
        this.replica = replica;
        this.ttlMillis = ttl.toMillis();
    }

    @Override
    public Heartbeat heartbeat(Map<String, ModelSpeed> measured) {
        try {
            return Transactions.run(dataSource, connection -> heartbeat(connection, measured));
        } catch (SQLException e) {
            throw unreachable("heartbeat", e);
        }
    }

    @Override
    public void leave() {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement delete =
                        connection.prepareStatement("DELETE FROM router_replica WHERE replica = ?")) {
            delete.setString(1, replica);
            delete.executeUpdate();
        } catch (SQLException e) {
            throw unreachable("leave", e);
        }
    }

    private Heartbeat heartbeat(Connection connection, Map<String, ModelSpeed> measured) throws SQLException {
        try (PreparedStatement seen = connection.prepareStatement("""
                INSERT INTO router_replica (replica, seen_at) VALUES (?, now())
                ON CONFLICT (replica) DO UPDATE SET seen_at = now()""")) {
            seen.setString(1, replica);
            seen.executeUpdate();
        }
        if (!measured.isEmpty()) {
            try (PreparedStatement publish = connection.prepareStatement("""
                    INSERT INTO model_speed (model, millis_per_token, solution_overhead_millis, replica, published_at)
                    VALUES (?, ?, ?, ?, now())
                    ON CONFLICT (model) DO UPDATE SET millis_per_token = excluded.millis_per_token,
                        solution_overhead_millis = excluded.solution_overhead_millis,
                        replica = excluded.replica, published_at = excluded.published_at""")) {
                for (Map.Entry<String, ModelSpeed> speed : measured.entrySet()) {
                    publish.setString(1, speed.getKey());
                    publish.setDouble(2, speed.getValue().millisPerToken());
                    publish.setDouble(3, speed.getValue().solutionOverheadMillis());
                    publish.setString(4, replica);
                    publish.addBatch();
                }
                publish.executeBatch();
            }
        }
        List<String> live = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT replica FROM router_replica WHERE seen_at > now() - ? * interval '1 millisecond'
                ORDER BY replica""")) {
            select.setLong(1, ttlMillis);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    live.add(rows.getString(1));
                }
            }
        }
        Map<String, ModelSpeed> speeds = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(
                        "SELECT model, millis_per_token, solution_overhead_millis FROM model_speed");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                speeds.put(rows.getString(1), new ModelSpeed(rows.getDouble(2), rows.getDouble(3)));
            }
        }
        return new Heartbeat(live, speeds);
    }

    private QuotaStoreUnavailable unreachable(String what, SQLException e) {
        LOG.warnf("replica '%s' cannot %s in the shared store: %s", replica, what, e.getMessage());
        return new QuotaStoreUnavailable("the shared store (router.shared.jdbc-url) is unreachable: " + e.getMessage());
    }
}
