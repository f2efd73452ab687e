package io.elasticmesh.inference.triton;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.elasticmesh.proto.inference.InferParameter;
import io.elasticmesh.proto.inference.ModelInferRequest;
import io.elasticmesh.proto.inference.ModelInferRequest.InferInputTensor;
import io.elasticmesh.proto.inference.ModelInferResponse;
import io.elasticmesh.proto.inference.ModelInferResponse.InferOutputTensor;
import io.elasticmesh.proto.inference.ModelStreamInferResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class VllmContractTests {

    private final GenerationRequest request =
            new GenerationRequest("r-1", "scripted", VllmContract.INSTANCE, "hello", 12, List.of("</think>"), 0.0);

    @Test
    void requestCarriesPromptBudgetAndStopAsVllmSamplingParameters() throws Exception {
        ModelInferRequest wire = VllmContract.INSTANCE.toWire(request);

        assertThat(wire.getModelName()).isEqualTo("scripted");
        assertThat(wire.getId()).isEqualTo("r-1");
        assertThat(wire.getInputsCount()).isEqualTo(wire.getRawInputContentsCount());
        assertThat(RawTensors.decodeStrings(input(wire, "text_input"))).containsExactly("hello");
        JsonNode sampling = new ObjectMapper()
                .readTree(RawTensors.decodeStrings(input(wire, "sampling_parameters"))
                        .get(0));
        assertThat(sampling.get("max_tokens").asInt()).isEqualTo(12);
        assertThat(sampling.get("stop").get(0).asText()).isEqualTo("</think>");
        assertThat(sampling.get("include_stop_str_in_output").asBoolean()).isTrue();
        assertThat(input(wire, "stream").toByteArray()).containsExactly(1);
        assertThat(input(wire, "exclude_input_in_output").toByteArray()).containsExactly(1);
        assertThat(input(wire, "return_num_output_tokens").toByteArray()).containsExactly(1);
    }

    @Test
    void topPAndSeedAreSentUnderVllmsNamesOnlyWhenSet() throws Exception {
        JsonNode unset = samplingOf(request);
        assertThat(unset.has("top_p")).isFalse();
        assertThat(unset.has("seed")).isFalse();
        assertThat(unset.get("temperature").asDouble()).isEqualTo(0.0);

        JsonNode set = samplingOf(new GenerationRequest(
                "r-1",
                "scripted",
                VllmContract.INSTANCE,
                "hello",
                12,
                List.of(),
                0.7,
                OptionalDouble.of(0.9),
                OptionalLong.of(4_000_000_000L)));
        assertThat(set.get("temperature").asText()).isEqualTo("0.7");
        assertThat(set.get("top_p").asText()).isEqualTo("0.9");
        assertThat(set.get("seed").asLong()).isEqualTo(4_000_000_000L);
    }

    private static JsonNode samplingOf(GenerationRequest request) throws Exception {
        return new ObjectMapper()
                .readTree(RawTensors.decodeStrings(input(VllmContract.INSTANCE.toWire(request), "sampling_parameters"))
                        .get(0));
    }

    @Test
    void noTritonRequestTimeoutIsSentSinceTritonIgnoresItForDecoupledModels() {
        // triton/tests/test_scripted_contract.py shows the real server serving a request past its timeout.
        assertThat(VllmContract.INSTANCE.toWire(request).getParametersMap())
                .containsOnlyKeys("triton_enable_empty_final_response");
    }

    @Test
    void everyTensorSentIsOneTheReadinessCheckLooksFor() {
        ModelInferRequest wire = VllmContract.INSTANCE.toWire(request);

        assertThat(wire.getInputsList())
                .extracting(InferInputTensor::getName)
                .containsExactlyInAnyOrderElementsOf(VllmContract.INSTANCE.inputs());
    }

    @Test
    void finalResponseYieldsTextTokensAndFinishReason() {
        ModelStreamInferResponse streamed = ModelStreamInferResponse.newBuilder()
                .setInferResponse(ModelInferResponse.newBuilder()
                        .putParameters(
                                "triton_final_response",
                                InferParameter.newBuilder().setBoolParam(true).build())
                        .addOutputs(InferOutputTensor.newBuilder().setName("text_output"))
                        .addRawOutputContents(RawTensors.encodeString("think3 "))
                        .addOutputs(InferOutputTensor.newBuilder().setName("finish_reason"))
                        .addRawOutputContents(RawTensors.encodeString("length"))
                        .addOutputs(InferOutputTensor.newBuilder().setName("num_output_tokens"))
                        .addRawOutputContents(uint32(1))
                        .addOutputs(InferOutputTensor.newBuilder().setName("num_input_tokens"))
                        .addRawOutputContents(uint32(42)))
                .build();

        assertThat(VllmContract.fromWire(streamed)).isEqualTo(new GenerationChunk("think3 ", 1, 42, "length", true));
    }

    @Test
    void intermediateFinishReasonNoneIsNotAFinish() {
        ModelStreamInferResponse streamed = ModelStreamInferResponse.newBuilder()
                .setInferResponse(ModelInferResponse.newBuilder()
                        .addOutputs(InferOutputTensor.newBuilder().setName("finish_reason"))
                        .addRawOutputContents(RawTensors.encodeString("None")))
                .build();

        assertThat(VllmContract.fromWire(streamed)).isEqualTo(new GenerationChunk("", 0, -1, null, false));
    }

    @Test
    void errorMessageBecomesModelException() {
        ModelStreamInferResponse streamed =
                ModelStreamInferResponse.newBuilder().setErrorMessage("boom").build();

        assertThatThrownBy(() -> VllmContract.fromWire(streamed))
                .isInstanceOf(TritonModelException.class)
                .hasMessage("boom");
    }

    @Test
    void accumulatorRequiresTheFinalResponse() {
        GenerationAccumulator accumulator = new GenerationAccumulator(System.nanoTime());
        accumulator.add(new GenerationChunk("a ", 1, 3, null, false));

        assertThatThrownBy(accumulator::finish).hasMessageContaining("final response");
    }

    @Test
    void accumulatorSumsDeltas() {
        GenerationAccumulator accumulator = new GenerationAccumulator(System.nanoTime());
        accumulator.add(new GenerationChunk("a ", 1, 3, null, false));
        accumulator.add(new GenerationChunk("b ", 2, -1, "stop", true));

        Generation generation = accumulator.finish();
        assertThat(generation.text()).isEqualTo("a b ");
        assertThat(generation.outputTokens()).isEqualTo(3);
        assertThat(generation.inputTokens()).isEqualTo(3);
        assertThat(generation.finishReason()).isEqualTo(Generation.Finish.STOP);
    }

    private static com.google.protobuf.ByteString input(ModelInferRequest wire, String name) {
        for (int i = 0; i < wire.getInputsCount(); i++) {
            if (wire.getInputs(i).getName().equals(name)) {
                return wire.getRawInputContents(i);
            }
        }
        throw new AssertionError("no input " + name);
    }

    private static com.google.protobuf.ByteString uint32(int value) {
        return com.google.protobuf.ByteString.copyFrom(ByteBuffer.allocate(4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(value)
                .flip());
    }
}
