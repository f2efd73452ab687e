package io.elasticmesh.inference.quarkus;

import io.elasticmesh.inference.profile.ModelProfiles;
import io.elasticmesh.proto.inference.ModelReadyRequest;
import io.elasticmesh.proto.inference.MutinyGRPCInferenceServiceGrpc.MutinyGRPCInferenceServiceStub;
import io.elasticmesh.proto.inference.ServerReadyRequest;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when Triton is ready and so is every model this service sends work to (Triton's ServerReady and ModelReady).
 * Only readiness: a service whose Triton is down is alive, and restarting it would not bring Triton back.
 */
@Readiness
@ApplicationScoped
public class TritonReadiness implements AsyncHealthCheck {

    private final MutinyGRPCInferenceServiceStub triton;
    private final InferenceConfig config;
    private final List<String> models;

    public TritonReadiness(@GrpcClient("triton") MutinyGRPCInferenceServiceStub triton, InferenceConfig config,
            ModelProfiles profiles) {
        this.triton = triton;
        this.config = config;
        this.models = config.readinessModels().orElseGet(() -> List.copyOf(new TreeSet<>(profiles.names().stream()
                .map(name -> profiles.require(name).tritonModel()).toList())));
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        HealthCheckResponseBuilder health = HealthCheckResponse.named("triton").withData("models", String.join(",", models));
        MutinyGRPCInferenceServiceStub stub = triton.withDeadlineAfter(config.readinessTimeout().toMillis(),
                TimeUnit.MILLISECONDS);
        return stub.serverReady(ServerReadyRequest.getDefaultInstance())
                .onItem().transformToUni(server -> {
                    if (!server.getReady()) {
                        return Uni.createFrom().item(health.down().withData("reason", "Triton is not ready").build());
                    }
                    return Multi.createFrom().iterable(models)
                            .onItem().transformToUniAndConcatenate(model -> stub
                                    .modelReady(ModelReadyRequest.newBuilder().setName(model).build())
                                    .map(ready -> ready.getReady() ? "" : model))
                            .filter(model -> !model.isEmpty())
                            .collect().asList()
                            .map(missing -> missing.isEmpty() ? health.up().build()
                                    : health.down().withData("reason", "models not ready: " + missing).build());
                })
                .onFailure().recoverWithItem(failure -> health.down()
                        .withData("reason", "Triton unreachable: " + failure.getMessage()).build());
    }
}
