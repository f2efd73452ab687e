package io.elasticmesh.inference.triton;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.elasticmesh.proto.inference.ModelInferRequest;
import io.elasticmesh.proto.inference.ModelStreamInferResponse;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.LongStream;

/**
 * The I/O contract of Triton's vLLM backend (r24.12+), the mesh's primary one: a prompt in `text_input`, vLLM
 * sampling parameters as JSON in `sampling_parameters` ({@code temperature}, {@code top_p} and {@code seed} under
 * vLLM's {@code SamplingParams} names), streamed deltas in `text_output`, and the finish reason
 * and token counts as extra outputs (`num_output_tokens` is the count since the previous response, the
 * end-of-sequence token included: the mesh's counting rule, which the other contracts follow).
 */
public enum VllmContract implements TritonContract {
    INSTANCE;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String contractName() {
        return "vllm";
    }

    @Override
    public Set<String> inputs() {
        return Set.of(
                "text_input",
                "stream",
                "sampling_parameters",
                "exclude_input_in_output",
                "return_finish_reason",
                "return_num_input_tokens",
                "return_num_output_tokens");
    }

    @Override
    public Set<String> outputs() {
        return Set.of("text_output", "finish_reason", "num_input_tokens", "num_output_tokens");
    }

    @Override
    public String minimumBackend() {
        return "Triton's vLLM backend from release 24.12 (the return_* inputs)";
    }

    @Override
    public ModelInferRequest toWire(GenerationRequest request) {
        ObjectNode sampling = JSON.createObjectNode()
                .put("max_tokens", request.maxTokens())
                .put("temperature", request.temperature())
                // The mesh must see the delimiter to know the model closed thinking itself.
                .put("include_stop_str_in_output", true);
        request.topP().ifPresent(p -> sampling.put("top_p", p));
        request.seed().ifPresent(seed -> sampling.put("seed", seed));
        sampling.putArray("stop")
                .addAll(request.stop().stream().map(sampling::textNode).toList());

        ModelInferRequest.Builder wire = StreamedResponses.newRequest(request);
        StreamedResponses.addInput(wire, "text_input", "BYTES", RawTensors.encodeString(request.prompt()), 1);
        StreamedResponses.addInput(wire, "stream", "BOOL", RawTensors.encodeBool(true), 1);
        StreamedResponses.addInput(
                wire, "sampling_parameters", "BYTES", RawTensors.encodeString(sampling.toString()), 1);
        StreamedResponses.addInput(wire, "exclude_input_in_output", "BOOL", RawTensors.encodeBool(true), 1);
        for (String flag : List.of("return_finish_reason", "return_num_input_tokens", "return_num_output_tokens")) {
            StreamedResponses.addInput(wire, flag, "BOOL", RawTensors.encodeBool(true), 1);
        }
        return wire.build();
    }

    @Override
    public Function<ModelStreamInferResponse, GenerationChunk> reader(GenerationRequest request) {
        return VllmContract::fromWire;
    }

    /**
     * Reads one streamed response.
     *
     * @throws TritonModelException when Triton reports an error for the request
     */
    public static GenerationChunk fromWire(ModelStreamInferResponse streamed) {
        StreamedResponses.Response response = StreamedResponses.read(streamed);
        // Other outputs (log-probs) are ignored.
        return new GenerationChunk(
                StreamedResponses.text(response),
                response.output("num_output_tokens").map(VllmContract::uint32).orElse(0),
                response.output("num_input_tokens").map(VllmContract::uint32).orElse(-1),
                response.output("finish_reason")
                        .flatMap(raw -> RawTensors.decodeStrings(raw).stream()
                                .filter(r -> !r.equals("None"))
                                .findFirst())
                        .orElse(null),
                response.last());
    }

    private static int uint32(ByteString raw) {
        return (int) LongStream.of(RawTensors.decodeUint32(raw)).sum();
    }
}
