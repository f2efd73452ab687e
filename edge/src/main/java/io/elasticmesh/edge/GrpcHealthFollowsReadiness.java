package io.elasticmesh.edge;

import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.quarkus.grpc.runtime.health.GrpcHealthStorage;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.health.SmallRyeHealthReporter;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * grpc.health.v1 follows the service's readiness: the overall service ({@code ""}) and every service name report
 * SERVING exactly when {@code /q/health/ready} is UP (the same checks: Triton for decoder and solution, the
 * downstream services for the router, PostgreSQL and Kafka for audit-service), NOT_SERVING otherwise. Quarkus
 * only sets them SERVING once at start-up. The readiness checks run every {@code mesh.grpc-health.refresh} (5 s,
 * a probe's period); Watch streams see each change. One name, {@value #LIVENESS}, stays SERVING while the server
 * runs, for probes that must not fail while a dependency is away (Kubernetes' liveness and startup probes).
 */
@ApplicationScoped
public class GrpcHealthFollowsReadiness {

    /** The service name Kubernetes' gRPC liveness and startup probes ask for. */
    public static final String LIVENESS = "liveness";
    /** Quarkus' own readiness check, which reports the gRPC health this class sets: following it would never recover. */
    static final String OWN_CHECK = "gRPC Server";

    private final SmallRyeHealthReporter reporter;
    private final GrpcHealthStorage storage;
    private final Vertx vertx;
    private final Duration refresh;
    private final AtomicBoolean running = new AtomicBoolean();

    public GrpcHealthFollowsReadiness(
            SmallRyeHealthReporter reporter,
            GrpcHealthStorage storage,
            Vertx vertx,
            @ConfigProperty(name = "mesh.grpc-health.refresh", defaultValue = "5s") Duration refresh) {
        this.reporter = reporter;
        this.storage = storage;
        this.vertx = vertx;
        this.refresh = refresh;
    }

    void start(@Observes StartupEvent started) {
        storage.setStatus(LIVENESS, ServingStatus.SERVING);
        vertx.setPeriodic(refresh.toMillis(), timer -> refresh());
    }

    /** Runs the readiness checks once (unless a run is still going) and sets every name but liveness from them. */
    void refresh() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        reporter.getReadinessAsync()
                .subscribe()
                .with(health -> apply(ready(health.getPayload())), failure -> apply(false));
    }

    private void apply(boolean ready) {
        ServingStatus status = ready ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
        List.copyOf(storage.getStatuses().keySet()).stream()
                .filter(name -> !name.equals(LIVENESS))
                .filter(name -> storage.getStatuses().get(name) != status)
                .forEach(name -> storage.setStatus(name, status));
        running.set(false);
    }

    /** UP when every readiness check but Quarkus' report of gRPC health itself is UP. */
    static boolean ready(JsonObject payload) {
        return payload.getJsonArray("checks").stream()
                .map(JsonValue::asJsonObject)
                .filter(check -> !OWN_CHECK.equals(check.getString("name")))
                .allMatch(check -> "UP".equals(check.getString("status")));
    }
}
