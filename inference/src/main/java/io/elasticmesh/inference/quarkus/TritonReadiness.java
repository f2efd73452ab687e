package io.elasticmesh.inference.quarkus;

import io.elasticmesh.inference.profile.ModelProfile;
import io.elasticmesh.inference.profile.ModelProfiles;
import io.elasticmesh.inference.triton.TritonContract;
import io.elasticmesh.proto.inference.ModelMetadataRequest;
import io.elasticmesh.proto.inference.ModelReadyRequest;
import io.elasticmesh.proto.inference.MutinyGRPCInferenceServiceGrpc.MutinyGRPCInferenceServiceStub;
import io.elasticmesh.proto.inference.ServerReadyRequest;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when Triton is ready and so is every model this service sends work to (Triton's ServerReady and ModelReady),
 * and each of those models declares every tensor of the contract its profiles speak (ModelMetadata): a model
 * from a backend release too old for the contract would reject every request, so it is reported, with what it
 * lacks and the release it needs, instead of taking traffic. Only readiness: a service whose Triton is down is
 * alive, and restarting it would not bring Triton back.
 */
@Readiness
@ApplicationScoped
public class TritonReadiness implements AsyncHealthCheck {

    private final MutinyGRPCInferenceServiceStub triton;
    private final InferenceConfig config;
    /** Each checked Triton model and the contracts its profiles speak (none for a model no profile names). */
    private final Map<String, Set<TritonContract>> models;

    public TritonReadiness(
            @GrpcClient("triton") MutinyGRPCInferenceServiceStub triton,
            InferenceConfig config,
            ModelProfiles profiles) {
        this.triton = triton;
        this.config = config;
        Map<String, Set<TritonContract>> contracts = profiles.names().stream()
                .map(profiles::require)
                .collect(Collectors.groupingBy(
                        ModelProfile::tritonModel,
                        TreeMap::new,
                        Collectors.mapping(ModelProfile::contract, Collectors.toSet())));
        List<String> checked = config.readinessModels().orElseGet(() -> List.copyOf(contracts.keySet()));
        this.models = new TreeMap<>();
        checked.forEach(model -> models.put(model, contracts.getOrDefault(model, Set.of())));
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        HealthCheckResponseBuilder health =
                HealthCheckResponse.named("triton").withData("models", String.join(",", models.keySet()));
        MutinyGRPCInferenceServiceStub stub =
                triton.withDeadlineAfter(config.readinessTimeout().toMillis(), TimeUnit.MILLISECONDS);
        return stub.serverReady(ServerReadyRequest.getDefaultInstance())
                .onItem()
                .transformToUni(server -> {
                    if (!server.getReady()) {
                        return Uni.createFrom()
                                .item(health.down()
                                        .withData("reason", "Triton is not ready")
                                        .build());
                    }
                    return Multi.createFrom()
                            .iterable(models.keySet())
                            .onItem()
                            .transformToUniAndConcatenate(model -> problem(stub, model))
                            .filter(Optional::isPresent)
                            .map(Optional::get)
                            .collect()
                            .asList()
                            .map(problems -> problems.isEmpty()
                                    ? health.up().build()
                                    : health.down()
                                            .withData("reason", String.join("; ", problems))
                                            .build());
                })
                .onFailure()
                .recoverWithItem(failure -> health.down()
                        .withData("reason", "Triton unreachable: " + failure.getMessage())
                        .build());
    }

    /** Why {@code model} cannot take traffic: not ready, or lacking tensors of a contract; empty when it can. */
    private Uni<Optional<String>> problem(MutinyGRPCInferenceServiceStub stub, String model) {
        return stub.modelReady(ModelReadyRequest.newBuilder().setName(model).build())
                .onItem()
                .transformToUni(ready -> {
                    if (!ready.getReady()) {
                        return Uni.createFrom().item(Optional.of("model not ready: " + model));
                    }
                    if (models.get(model).isEmpty()) {
                        return Uni.createFrom().item(Optional.<String>empty());
                    }
                    return stub.modelMetadata(ModelMetadataRequest.newBuilder()
                                    .setName(model)
                                    .build())
                            .map(metadata -> {
                                Set<String> missing = new TreeSet<>();
                                models.get(model)
                                        .forEach(c -> c.missingFrom(metadata).ifPresent(missing::add));
                                return missing.isEmpty()
                                        ? Optional.<String>empty()
                                        : Optional.of(String.join("; ", missing));
                            });
                });
    }
}
