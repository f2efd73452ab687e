package io.elasticmesh.inference.triton;

import com.google.protobuf.ByteString;
import io.elasticmesh.proto.inference.InferParameter;
import io.elasticmesh.proto.inference.ModelInferRequest;
import io.elasticmesh.proto.inference.ModelInferRequest.InferInputTensor;
import io.elasticmesh.proto.inference.ModelInferResponse;
import io.elasticmesh.proto.inference.ModelStreamInferResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** What every contract does the same way on Triton's streaming protocol. */
final class StreamedResponses {

    static final String FINAL_RESPONSE = "triton_final_response";

    private StreamedResponses() {}

    /** A streaming request for {@code request}'s model, asking for an empty final response so the end is seen. */
    static ModelInferRequest.Builder newRequest(GenerationRequest request) {
        return ModelInferRequest.newBuilder()
                .setModelName(request.tritonModel())
                .setId(request.requestId())
                .putParameters(
                        "triton_enable_empty_final_response",
                        InferParameter.newBuilder().setBoolParam(true).build());
    }

    /** Adds one input as raw tensor contents, so there is one encoding path. */
    static void addInput(ModelInferRequest.Builder wire, String name, String datatype, ByteString raw, long... shape) {
        InferInputTensor.Builder tensor =
                InferInputTensor.newBuilder().setName(name).setDatatype(datatype);
        for (long dim : shape) {
            tensor.addShape(dim);
        }
        wire.addInputs(tensor);
        wire.addRawInputContents(raw);
    }

    /** One streamed response's raw outputs by name, and whether it is the request's final response. */
    record Response(Map<String, ByteString> outputs, boolean last) {

        Optional<ByteString> output(String name) {
            return Optional.ofNullable(outputs.get(name));
        }
    }

    /** @throws TritonModelException when Triton reports an error for the request */
    static Response read(ModelStreamInferResponse streamed) {
        if (!streamed.getErrorMessage().isEmpty()) {
            throw new TritonModelException(streamed.getErrorMessage());
        }
        ModelInferResponse response = streamed.getInferResponse();
        Map<String, ByteString> outputs = new HashMap<>();
        for (int i = 0; i < response.getOutputsCount() && i < response.getRawOutputContentsCount(); i++) {
            outputs.put(response.getOutputs(i).getName(), response.getRawOutputContents(i));
        }
        boolean last = response.getParametersOrDefault(FINAL_RESPONSE, InferParameter.getDefaultInstance())
                .getBoolParam();
        return new Response(outputs, last);
    }

    static String text(Response response) {
        return response.output("text_output")
                .map(raw -> String.join("", RawTensors.decodeStrings(raw)))
                .orElse("");
    }
}
