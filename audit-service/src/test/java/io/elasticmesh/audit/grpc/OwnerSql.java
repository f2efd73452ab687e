package io.elasticmesh.audit.grpc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Statements run as the schema's owner, a superuser here: what a database administrator can do. */
public final class OwnerSql {

    private final String jdbcUrl;
    private final String owner;

    public OwnerSql(String jdbcUrl, String owner) {
        this.jdbcUrl = jdbcUrl;
        this.owner = owner;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, owner, "");
    }

    /** @return the rows changed */
    public int update(String statement, Object... params) throws SQLException {
        try (Connection c = connect()) {
            return update(c, statement, params);
        }
    }

    static int update(Connection c, String statement, Object... params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(statement)) {
            bind(s, params);
            return s.executeUpdate();
        }
    }

    /** Rows of a query, each row's columns joined by a space. */
    public List<String> rows(String query, Object... params) throws SQLException {
        try (Connection c = connect();
                PreparedStatement s = c.prepareStatement(query)) {
            bind(s, params);
            List<String> rows = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    List<String> columns = new ArrayList<>();
                    for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
                        columns.add(r.getString(i));
                    }
                    rows.add(String.join(" ", columns));
                }
            }
            return rows;
        }
    }

    private static void bind(PreparedStatement s, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            s.setObject(i + 1, params[i]);
        }
    }
}
