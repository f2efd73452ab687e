package io.elasticmesh.inference.triton;

import io.elasticmesh.proto.inference.ModelInferRequest;
import io.elasticmesh.proto.inference.ModelStreamInferResponse;
import java.util.function.Function;

/**
 * The I/O contract a Triton model speaks, as one small adapter: how a generation goes on the wire and how its
 * streamed responses come back as chunks. A model profile names its contract ({@link #named}).
 */
public interface TritonContract {

    /**
     * The streaming request for {@code request}.
     *
     * @param timeoutMicros Triton's request {@code timeout} (schedule-policy extension), from the call's deadline;
     *     0 for none
     */
    ModelInferRequest toWire(GenerationRequest request, long timeoutMicros);

    /**
     * Reads the streamed responses of one call, in order; may keep state across them (a contract without a
     * finish-reason output derives it on the last response).
     *
     * @return a function that throws {@link TritonModelException} when Triton reports an error for the request
     */
    Function<ModelStreamInferResponse, GenerationChunk> reader(GenerationRequest request);

    /**
     * The contract of a profile's {@code contract} field.
     *
     * @throws IllegalArgumentException naming the known contracts
     */
    static TritonContract named(String name) {
        return switch (name) {
            case "vllm" -> VllmContract.INSTANCE;
            case "tensorrt-llm" -> TensorRtLlmContract.INSTANCE;
            default -> throw new IllegalArgumentException(
                    "unknown Triton contract '" + name + "'; known: vllm, tensorrt-llm");
        };
    }
}
