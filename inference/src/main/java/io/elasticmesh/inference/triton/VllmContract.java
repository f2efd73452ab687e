package io.elasticmesh.inference.triton;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.elasticmesh.proto.inference.InferParameter;
import io.elasticmesh.proto.inference.ModelInferRequest;
import io.elasticmesh.proto.inference.ModelInferRequest.InferInputTensor;
import io.elasticmesh.proto.inference.ModelInferResponse;
import io.elasticmesh.proto.inference.ModelStreamInferResponse;
import java.util.List;

/**
 * The I/O contract of Triton's vLLM backend (r24.12+), which the mesh speaks: a prompt in `text_input`, vLLM
 * sampling parameters as JSON in `sampling_parameters`, streamed deltas in `text_output`, and the finish reason
 * and token counts as extra outputs. Sending it all as raw tensors keeps one encoding path.
 */
public final class VllmContract {

    static final String FINAL_RESPONSE = "triton_final_response";
    private static final ObjectMapper JSON = new ObjectMapper();

    private VllmContract() {
    }

    /**
     * @param timeoutMicros Triton's request {@code timeout} (schedule-policy extension), from the call's deadline;
     *     0 for none
     */
    public static ModelInferRequest toWire(GenerationRequest request, long timeoutMicros) {
        ObjectNode sampling = JSON.createObjectNode()
                .put("max_tokens", request.maxTokens())
                .put("temperature", request.temperature())
                // The mesh must see the delimiter to know the model closed thinking itself.
                .put("include_stop_str_in_output", true);
        sampling.putArray("stop").addAll(request.stop().stream().map(sampling::textNode).toList());

        ModelInferRequest.Builder wire = ModelInferRequest.newBuilder()
                .setModelName(request.tritonModel())
                .setId(request.requestId())
                .putParameters("triton_enable_empty_final_response",
                        InferParameter.newBuilder().setBoolParam(true).build());
        if (timeoutMicros > 0) {
            wire.putParameters("timeout", InferParameter.newBuilder().setInt64Param(timeoutMicros).build());
        }
        addInput(wire, "text_input", "BYTES", RawTensors.encodeString(request.prompt()));
        addInput(wire, "stream", "BOOL", RawTensors.encodeBool(true));
        addInput(wire, "sampling_parameters", "BYTES", RawTensors.encodeString(sampling.toString()));
        addInput(wire, "exclude_input_in_output", "BOOL", RawTensors.encodeBool(true));
        for (String flag : List.of("return_finish_reason", "return_num_input_tokens", "return_num_output_tokens")) {
            addInput(wire, flag, "BOOL", RawTensors.encodeBool(true));
        }
        return wire.build();
    }

    private static void addInput(ModelInferRequest.Builder wire, String name, String datatype, ByteString raw) {
        wire.addInputs(InferInputTensor.newBuilder().setName(name).setDatatype(datatype).addShape(1));
        wire.addRawInputContents(raw);
    }

    /**
     * Reads one streamed response.
     *
     * @throws TritonModelException when Triton reports an error for the request
     */
    public static GenerationChunk fromWire(ModelStreamInferResponse streamed) {
        if (!streamed.getErrorMessage().isEmpty()) {
            throw new TritonModelException(streamed.getErrorMessage());
        }
        ModelInferResponse response = streamed.getInferResponse();
        boolean last = response.getParametersOrDefault(FINAL_RESPONSE, InferParameter.getDefaultInstance())
                .getBoolParam();
        String text = "";
        int outputTokens = 0;
        int inputTokens = -1;
        String finish = null;
        for (int i = 0; i < response.getOutputsCount() && i < response.getRawOutputContentsCount(); i++) {
            ByteString raw = response.getRawOutputContents(i);
            switch (response.getOutputs(i).getName()) {
                case "text_output" -> text = String.join("", RawTensors.decodeStrings(raw));
                case "num_output_tokens" -> outputTokens = (int) sum(RawTensors.decodeUint32(raw));
                case "num_input_tokens" -> inputTokens = (int) sum(RawTensors.decodeUint32(raw));
                case "finish_reason" -> finish = RawTensors.decodeStrings(raw).stream()
                        .filter(r -> !r.equals("None")).findFirst().orElse(null);
                default -> {
                    // Outputs the mesh does not use (log-probs) are ignored.
                }
            }
        }
        return new GenerationChunk(text, outputTokens, inputTokens, finish, last);
    }

    private static long sum(long[] values) {
        long total = 0;
        for (long v : values) {
            total += v;
        }
        return total;
    }
}
