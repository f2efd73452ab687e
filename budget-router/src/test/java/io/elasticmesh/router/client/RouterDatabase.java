package io.elasticmesh.router.client;

import io.elasticmesh.local.Directories;
import io.elasticmesh.local.PostgresDataDirectory;
import io.elasticmesh.local.PostgresProcess;
import java.nio.file.Path;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A real PostgreSQL (local-stack's) with the router's database, migrated by the router's own migrations as the
 * owner and used through the router's role, as {@code router.shared.jdbc-url} has them.
 */
final class RouterDatabase implements AutoCloseable {

    /** router.shared.username's default: the role the router's migrations create and grant the tables. */
    static final String ROUTER_ROLE = "budget_router";

    private final Path dir;
    private final PostgresProcess postgres;
    final PGSimpleDataSource dataSource;

    /** @param name the directory under target/ its data and log go to */
    RouterDatabase(String name) {
        this.dir = Path.of("target", name).toAbsolutePath();
        PostgresDataDirectory.delete(dir.resolve("data"));
        Directories.deleteRecursively(dir);
        postgres = PostgresProcess.start(dir.resolve("data"), dir.resolve("postgres.log"), 0, "router");
        Map<String, String> shared = postgres.routerSharedConfig("router", dir.resolve("postgres.log"));
        Flyway.configure()
                .dataSource(
                        shared.get("router.shared.jdbc-url"),
                        shared.get("router.shared.migration-username"),
                        shared.get("router.shared.migration-password"))
                .placeholders(Map.of("service_user", ROUTER_ROLE))
                .load()
                .migrate();
        dataSource = new PGSimpleDataSource();
        dataSource.setUrl(shared.get("router.shared.jdbc-url"));
        dataSource.setUser(ROUTER_ROLE);
    }

    /** A data source that reaches no database. */
    static PGSimpleDataSource nowhere() {
        PGSimpleDataSource nowhere = new PGSimpleDataSource();
        nowhere.setUrl("jdbc:postgresql://127.0.0.1:1/router");
        return nowhere;
    }

    @Override
    public void close() {
        postgres.close();
        PostgresDataDirectory.delete(dir.resolve("data"));
    }
}
