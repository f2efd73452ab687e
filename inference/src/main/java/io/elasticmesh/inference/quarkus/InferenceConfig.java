package io.elasticmesh.inference.quarkus;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Configuration shared by the services that call Triton. */
@ConfigMapping(prefix = "mesh.inference")
public interface InferenceConfig {

    /** A model profiles YAML file replacing the built-in {@code model-profiles.yaml}. */
    Optional<Path> profilesFile();

    /** Deadline for a Triton call when the caller set none; no generation may run unbounded. */
    @WithDefault("120s")
    Duration defaultDeadline();

    /**
     * The Triton models that must be ready for this service to report ready; by default the Triton model of every
     * model profile.
     */
    Optional<List<String>> readinessModels();

    /** How long the readiness check waits for Triton's answer before reporting DOWN. */
    @WithDefault("3s")
    Duration readinessTimeout();

    /**
     * Triton instances as {@code host:port}, when there are several (in Kubernetes, the headless Service
     * {@code triton-instances:8001}, whose name resolves to every pod). Both phases of a request then go to the
     * instance its request id hashes to, so the solution phase finds prompt and thinking in that instance's prefix
     * cache. Unset: every call goes to {@code quarkus.grpc.clients.triton.*}.
     */
    Optional<List<String>> tritonInstances();

    /** How often the addresses of {@link #tritonInstances()} are resolved again. */
    @WithDefault("10s")
    Duration tritonInstancesRefresh();
}
