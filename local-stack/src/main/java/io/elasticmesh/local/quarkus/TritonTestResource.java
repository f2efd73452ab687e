package io.elasticmesh.local.quarkus;

import io.elasticmesh.local.TritonProcess;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The real Triton server with the scripted model in both contracts ({@code scripted}: vLLM, {@code scripted_trtllm}:
 * TensorRT-LLM ensemble), for a service's {@code @QuarkusTest}; points the service's {@code triton} gRPC client at it.
 * Init args {@code models} and {@code readiness-models} (comma-separated) replace those defaults.
 */
public class TritonTestResource implements QuarkusTestResourceLifecycleManager {

    private TritonProcess triton;
    private List<String> models = List.of("scripted", "scripted_trtllm");
    private String readinessModels = "scripted";

    @Override
    public void init(Map<String, String> initArgs) {
        if (initArgs.containsKey("models")) {
            models = List.of(initArgs.get("models").split(","));
        }
        readinessModels = initArgs.getOrDefault("readiness-models", readinessModels);
    }

    @Override
    public Map<String, String> start() {
        Path root =
                Path.of(System.getProperty("mesh.root", "..")).toAbsolutePath().normalize();
        // Under the module's target/, so `mvn clean` removes the server's copy and logs.
        Path work = Path.of("target", "triton").toAbsolutePath();
        triton = TritonProcess.start(root, work, work.resolve("tritonserver.log"), 0, models);
        String port = String.valueOf(triton.grpcPort());
        // In tests Quarkus sends a client to its test-port, which otherwise defaults to the service's own.
        return Map.of(
                "quarkus.grpc.clients.triton.host",
                "127.0.0.1",
                "quarkus.grpc.clients.triton.port",
                port,
                "quarkus.grpc.clients.triton.test-port",
                port,
                "mesh.inference.readiness-models",
                readinessModels);
    }

    @Override
    public void stop() {
        if (triton != null) {
            triton.close();
        }
    }
}
