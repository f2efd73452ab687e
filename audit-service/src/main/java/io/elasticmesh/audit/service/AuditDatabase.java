package io.elasticmesh.audit.service;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import javax.sql.DataSource;

/**
 * The audit database's one JDBC idiom, shared by the classes that read and write it: a unit of work on one
 * connection, committed when it returns and rolled back when it throws; a failure surfaces as
 * {@link IllegalStateException} naming what could not be done.
 */
@ApplicationScoped
public class AuditDatabase {

    /** Work on one connection. */
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final DataSource db;

    public AuditDatabase(DataSource db) {
        this.db = db;
    }

    /** Runs {@code work} in one transaction. */
    public <T> T transaction(String failure, Work<T> work) {
        return connected(failure, c -> {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        });
    }

    /**
     * Runs read-only {@code work} in one snapshot (repeatable read), so that rows stored meanwhile do not show
     * halfway through; it is rolled back, never committed.
     */
    public <T> T snapshot(String failure, Work<T> work) {
        return connected(failure, c -> {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                return work.run(c);
            } finally {
                c.rollback();
            }
        });
    }

    /** Runs {@code work} on a connection in auto-commit mode (one statement, or reads that need no snapshot). */
    public <T> T connected(String failure, Work<T> work) {
        try (Connection c = db.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new IllegalStateException(failure + ": " + e.getMessage(), e);
        }
    }

    static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement s = c.prepareStatement(sql);
        bind(s, params);
        return s;
    }

    static void bind(PreparedStatement s, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            s.setObject(i + 1, params[i]);
        }
    }

    static void update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement s = prepare(c, sql, params)) {
            s.execute();
        }
    }

    /** Appends {@code AND column = ?} when {@code value} is set (empty matches anything). */
    static void equal(StringBuilder sql, List<Object> params, String column, String value) {
        if (!value.isEmpty()) {
            sql.append(" AND ").append(column).append(" = ?");
            params.add(value);
        }
    }

    /** Appends {@code column} in [from, to) for the bounds that are set (null: unbounded). */
    static void between(StringBuilder sql, List<Object> params, String column, Instant from, Instant to) {
        if (from != null) {
            sql.append(" AND ").append(column).append(" >= ?");
            params.add(Timestamp.from(from));
        }
        if (to != null) {
            sql.append(" AND ").append(column).append(" < ?");
            params.add(Timestamp.from(to));
        }
    }

    /** PostgreSQL keeps microseconds. */
    static Instant micros(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }
}
