package io.elasticmesh.local.quarkus;

import io.elasticmesh.local.PostgresProcess;
import java.nio.file.Path;
import java.util.Map;

/** A fresh real PostgreSQL server for budget-router's {@code @QuarkusTest}: its coordination store turned on. */
public class RouterPostgresTestResource extends PostgresTestResource {

    @Override
    protected String directory() {
        return "postgres-router";
    }

    @Override
    protected Map<String, String> config(PostgresProcess postgres, Path log) {
        return postgres.routerSharedConfig("router", log);
    }
}
