package io.elasticmesh.local.quarkus;

import io.elasticmesh.local.Directories;
import io.elasticmesh.local.PostgresDataDirectory;
import io.elasticmesh.local.PostgresProcess;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Path;
import java.util.Map;

/**
 * A fresh real PostgreSQL server (Debian's) for a service's {@code @QuarkusTest}, database {@code audit}: the
 * service connects as its own role, migrations run as the owner.
 */
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {

    private Path dir;
    private PostgresProcess postgres;

    @Override
    public Map<String, String> start() {
        dir = Path.of("target", directory()).toAbsolutePath();
        PostgresDataDirectory.delete(dir.resolve("data"));
        Directories.deleteRecursively(dir);
        postgres = PostgresProcess.start(dir.resolve("data"), dir.resolve("postgres.log"), 0, "audit");
        return postgres.auditServiceConfig();
    }

    /** Where under {@code target/} the server keeps its data; a subclass that runs beside another picks its own. */
    protected String directory() {
        return "postgres";
    }

    @Override
    public void stop() {
        if (postgres != null) {
            postgres.close();
            PostgresDataDirectory.delete(dir.resolve("data"));
        }
    }
}
