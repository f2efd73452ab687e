package io.elasticmesh.it;

import static io.elasticmesh.it.SharedMesh.scripted;
import static org.assertj.core.api.Assertions.assertThat;

import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.elasticmesh.local.LocalMesh;
import io.elasticmesh.local.quarkus.GrpcCalls;
import io.elasticmesh.local.quarkus.HttpGet;
import io.elasticmesh.proto.reasoning.v1.BudgetRouterGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Triton killed (SIGKILL) under a running mesh of its own, then started again: decoder and solution say
 * NOT_SERVING over grpc.health.v1 as their HTTP readiness goes DOWN, so the router's readiness (which asks them)
 * goes DOWN and its own gRPC health with it; requests fail UNAVAILABLE; and all of it comes back by itself once
 * Triton is back, with requests answered again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TritonOutageIT {

    private static final List<String> PHASES = List.of("decoder-service", "solution-service");

    private LocalMesh mesh;
    private final Map<String, ManagedChannel> channels = new LinkedHashMap<>();

    @BeforeAll
    void startMesh() {
        mesh = LocalMesh.start(LocalMesh.Options.ephemeral(
                Path.of(System.getProperty("mesh.root")),
                Path.of(System.getProperty("mesh.work")).resolve("triton-outage"),
                List.of("scripted")));
        for (String service : List.of("decoder-service", "solution-service", "budget-router")) {
            channels.put(
                    service,
                    ManagedChannelBuilder.forAddress("127.0.0.1", mesh.grpcPort(service))
                            .usePlaintext()
                            .build());
        }
    }

    @AfterAll
    void stopMesh() {
        channels.values().forEach(ManagedChannel::shutdownNow);
        mesh.close();
    }

    private Status reason() {
        try {
            BudgetRouterGrpc.newBlockingStub(channels.get("budget-router"))
                    .withDeadlineAfter(60, TimeUnit.SECONDS)
                    .reason(scripted("think=2 close=yes answer=2").build());
            return Status.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus();
        }
    }

    /** Polls {@code /q/health/ready} until it answers {@code wanted} or a minute passes; returns the last code. */
    private static int awaitReadiness(IntSupplier port, int wanted) throws InterruptedException {
        int seen = 0;
        for (long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(1); System.nanoTime() < end; ) {
            seen = HttpGet.get(port.getAsInt(), "/q/health/ready").statusCode();
            if (seen == wanted) {
                break;
            }
            Thread.sleep(200);
        }
        return seen;
    }

    @Test
    void grpcHealthAndReadinessFollowTritonDownAndBackUp() throws InterruptedException {
        assertThat(reason().getCode()).isEqualTo(Status.Code.OK);

        mesh.killTriton();

        for (String service : PHASES) {
            assertThat(GrpcCalls.awaitHealth(channels.get(service), "", ServingStatus.NOT_SERVING))
                    .as(service)
                    .isEqualTo(ServingStatus.NOT_SERVING);
            assertThat(HttpGet.get(mesh.managementPort(service), "/q/health/ready")
                            .statusCode())
                    .as(service)
                    .isEqualTo(503);
            assertThat(GrpcCalls.awaitHealth(channels.get(service), "liveness", ServingStatus.SERVING))
                    .as(service)
                    .isEqualTo(ServingStatus.SERVING);
        }
        assertThat(awaitReadiness(() -> mesh.managementPort("budget-router"), 503))
                .isEqualTo(503);
        assertThat(GrpcCalls.awaitHealth(channels.get("budget-router"), "", ServingStatus.NOT_SERVING))
                .isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(reason().getCode()).isEqualTo(Status.Code.UNAVAILABLE);

        mesh.startTriton();

        for (String service : PHASES) {
            assertThat(GrpcCalls.awaitHealth(channels.get(service), "", ServingStatus.SERVING))
                    .as(service)
                    .isEqualTo(ServingStatus.SERVING);
            assertThat(awaitReadiness(() -> mesh.managementPort(service), 200))
                    .as(service)
                    .isEqualTo(200);
        }
        assertThat(awaitReadiness(() -> mesh.managementPort("budget-router"), 200))
                .isEqualTo(200);
        assertThat(GrpcCalls.awaitHealth(channels.get("budget-router"), "", ServingStatus.SERVING))
                .isEqualTo(ServingStatus.SERVING);
        assertThat(reason().getCode()).isEqualTo(Status.Code.OK);
    }
}
