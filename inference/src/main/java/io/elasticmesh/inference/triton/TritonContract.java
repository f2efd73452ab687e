package io.elasticmesh.inference.triton;

import io.elasticmesh.proto.inference.ModelInferRequest;
import io.elasticmesh.proto.inference.ModelMetadataResponse;
import io.elasticmesh.proto.inference.ModelStreamInferResponse;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The I/O contract a Triton model speaks, as one small adapter: how a generation goes on the wire and how its
 * streamed responses come back as chunks. A model profile names its contract ({@link #named}).
 */
public interface TritonContract {

    /**
     * The streaming request for {@code request}. It carries no Triton request {@code timeout}: Triton applies one
     * only in a dynamic batcher's queue policy or the sequence batcher, which a decoupled LLM model does not
     * queue in; the call's gRPC deadline is what ends a request (cancelling it on Triton).
     */
    ModelInferRequest toWire(GenerationRequest request);

    /**
     * Reads the streamed responses of one call, in order; may keep state across them (a contract without a
     * finish-reason output derives it on the last response).
     *
     * @return a function that throws {@link TritonModelException} when Triton reports an error for the request
     */
    Function<ModelStreamInferResponse, GenerationChunk> reader(GenerationRequest request);

    /** The contract's name in a profile's {@code contract} field. */
    String contractName();

    /** The input tensors {@link #toWire} may send: a served model must declare every one. */
    Set<String> inputs();

    /** The output tensors {@link #reader} reads: a served model must declare every one. */
    Set<String> outputs();

    /** The oldest backend release whose model declares every tensor, as the readiness message names it. */
    String minimumBackend();

    /**
     * What a served model lacks for this contract, read from its metadata (Triton's ModelMetadata): a message
     * naming the missing inputs and outputs and the minimum backend; empty when it has them all. Triton rejects
     * every request that sends an input the model does not declare, so such a model must not take traffic.
     */
    default Optional<String> missingFrom(ModelMetadataResponse metadata) {
        Set<String> inputs = new TreeSet<>(inputs());
        Set<String> outputs = new TreeSet<>(outputs());
        metadata.getInputsList().forEach(t -> inputs.remove(t.getName()));
        metadata.getOutputsList().forEach(t -> outputs.remove(t.getName()));
        if (inputs.isEmpty() && outputs.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("model '" + metadata.getName() + "' lacks inputs " + inputs + " and outputs " + outputs
                + " of the " + contractName() + " contract; it needs " + minimumBackend());
    }

    /**
     * The contract of a profile's {@code contract} field.
     *
     * @throws IllegalArgumentException naming the known contracts
     */
    static TritonContract named(String name) {
        return switch (name) {
            case "vllm" -> VllmContract.INSTANCE;
            case "tensorrt-llm" -> TensorRtLlmContract.INSTANCE;
            default ->
                throw new IllegalArgumentException("unknown Triton contract '" + name + "'; known: vllm, tensorrt-llm");
        };
    }
}
