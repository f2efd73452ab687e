package io.elasticmesh.inference.triton;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.proto.inference.InferParameter;
import io.elasticmesh.proto.inference.ModelInferRequest;
import io.elasticmesh.proto.inference.ModelInferRequest.InferInputTensor;
import io.elasticmesh.proto.inference.ModelInferResponse;
import io.elasticmesh.proto.inference.ModelInferResponse.InferOutputTensor;
import io.elasticmesh.proto.inference.ModelStreamInferResponse;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class TensorRtLlmContractTests {

    private final GenerationRequest request = new GenerationRequest("r-1", "scripted_trtllm",
            TensorRtLlmContract.INSTANCE, "hello", 3, List.of("</think>"), 0.0);

    @Test
    void requestCarriesTheEnsembleTensorsWithTheirBatchDimension() {
        ModelInferRequest wire = TensorRtLlmContract.INSTANCE.toWire(request, 0);

        assertThat(wire.getModelName()).isEqualTo("scripted_trtllm");
        assertThat(wire.getInputsCount()).isEqualTo(wire.getRawInputContentsCount());
        assertThat(RawTensors.decodeStrings(input(wire, "text_input"))).containsExactly("hello");
        assertThat(RawTensors.decodeInt32(input(wire, "max_tokens"))).containsExactly(3);
        assertThat(RawTensors.decodeStrings(input(wire, "stop_words"))).containsExactly("</think>");
        assertThat(RawTensors.decodeInt32(input(wire, "top_k"))).as("greedy").containsExactly(1);
        assertThat(wire.getInputsList()).allSatisfy(t -> assertThat(t.getShape(0)).isEqualTo(1));
        assertThat(wire.getInputsList().stream().filter(t -> t.getName().equals("max_tokens")))
                .singleElement().extracting(InferInputTensor::getDatatype).isEqualTo("INT32");
        assertThat(input(wire, "stream").toByteArray()).containsExactly(1);
        assertThat(input(wire, "return_num_output_tokens").toByteArray()).containsExactly(1);
    }

    @Test
    void reachingMaxTokensWithoutAStopWordIsLength() {
        assertThat(finishAfter("think1 ", "think2 ", "think3 ")).isEqualTo("length");
    }

    @Test
    void endingOnAStopWordIsStopEvenOnTheLastAllowedToken() {
        assertThat(finishAfter("think1 ", "think2 ", "</think>")).isEqualTo("stop");
    }

    @Test
    void chunksCarryTheirDeltaAndCountsAndOnlyTheLastAFinishReason() {
        Function<ModelStreamInferResponse, GenerationChunk> reader = TensorRtLlmContract.INSTANCE.reader(request);

        assertThat(reader.apply(response("answer1 ", 1, false)))
                .isEqualTo(new GenerationChunk("answer1 ", 1, 7, null, false));
        assertThat(reader.apply(response("", 1, false)).finishReason()).as("end of sequence, not final").isNull();
        assertThat(reader.apply(response("", 0, true))).as("empty final response")
                .isEqualTo(new GenerationChunk("", 0, 7, "stop", true));
    }

    /** The finish reason read from one token per response, the last one final. */
    private String finishAfter(String... tokens) {
        Function<ModelStreamInferResponse, GenerationChunk> reader = TensorRtLlmContract.INSTANCE.reader(request);
        GenerationChunk chunk = null;
        for (int i = 0; i < tokens.length; i++) {
            chunk = reader.apply(response(tokens[i], 1, i == tokens.length - 1));
        }
        return chunk.finishReason();
    }

    private static ModelStreamInferResponse response(String text, int tokens, boolean last) {
        return ModelStreamInferResponse.newBuilder().setInferResponse(ModelInferResponse.newBuilder()
                .putParameters("triton_final_response", InferParameter.newBuilder().setBoolParam(last).build())
                .addOutputs(InferOutputTensor.newBuilder().setName("text_output"))
                .addRawOutputContents(RawTensors.encodeString(text))
                .addOutputs(InferOutputTensor.newBuilder().setName("num_output_tokens"))
                .addRawOutputContents(RawTensors.encodeInt32(tokens))
                .addOutputs(InferOutputTensor.newBuilder().setName("num_input_tokens"))
                .addRawOutputContents(RawTensors.encodeInt32(7)))
                .build();
    }

    private static com.google.protobuf.ByteString input(ModelInferRequest wire, String name) {
        for (int i = 0; i < wire.getInputsCount(); i++) {
            if (wire.getInputs(i).getName().equals(name)) {
                return wire.getRawInputContents(i);
            }
        }
        throw new AssertionError("no input " + name);
    }
}
