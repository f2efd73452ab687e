package io.elasticmesh.inference.triton;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.proto.inference.InferParameter;
import io.elasticmesh.proto.inference.ModelInferRequest;
import io.elasticmesh.proto.inference.ModelInferRequest.InferInputTensor;
import io.elasticmesh.proto.inference.ModelInferResponse;
import io.elasticmesh.proto.inference.ModelInferResponse.InferOutputTensor;
import io.elasticmesh.proto.inference.ModelMetadataResponse;
import io.elasticmesh.proto.inference.ModelStreamInferResponse;
import java.nio.ByteOrder;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class TensorRtLlmContractTests {

    private final GenerationRequest request = new GenerationRequest(
            "r-1", "scripted_trtllm", TensorRtLlmContract.INSTANCE, "hello", 3, List.of("</think>"), 0.0);

    @Test
    void requestCarriesTheEnsembleTensorsWithTheirBatchDimension() {
        ModelInferRequest wire = TensorRtLlmContract.INSTANCE.toWire(request);

        assertThat(wire.getModelName()).isEqualTo("scripted_trtllm");
        assertThat(wire.getInputsCount()).isEqualTo(wire.getRawInputContentsCount());
        assertThat(RawTensors.decodeStrings(input(wire, "text_input"))).containsExactly("hello");
        assertThat(RawTensors.decodeInt32(input(wire, "max_tokens"))).containsExactly(3);
        assertThat(RawTensors.decodeStrings(input(wire, "stop_words"))).containsExactly("</think>");
        assertThat(RawTensors.decodeInt32(input(wire, "top_k"))).as("greedy").containsExactly(1);
        assertThat(wire.getInputsList())
                .allSatisfy(t -> assertThat(t.getShape(0)).isEqualTo(1));
        assertThat(wire.getInputsList().stream().filter(t -> t.getName().equals("max_tokens")))
                .singleElement()
                .extracting(InferInputTensor::getDatatype)
                .isEqualTo("INT32");
        assertThat(input(wire, "stream").toByteArray()).containsExactly(1);
        assertThat(input(wire, "return_num_output_tokens").toByteArray()).containsExactly(1);
    }

    @Test
    void samplingSendsTopKAndTopPExplicitlySinceTensorRtLlmDefaultsAreGreedy() {
        ModelInferRequest wire = TensorRtLlmContract.INSTANCE.toWire(
                new GenerationRequest("r-1", "m", TensorRtLlmContract.INSTANCE, "hello", 3, List.of(), 0.6));

        assertThat(RawTensors.decodeInt32(input(wire, "top_k")))
                .as("no top-k limit")
                .containsExactly(0);
        assertThat(input(wire, "top_p")
                        .asReadOnlyByteBuffer()
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .getFloat())
                .as("the whole distribution")
                .isEqualTo(1.0f);
        assertThat(input(wire, "temperature")
                        .asReadOnlyByteBuffer()
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .getFloat())
                .isEqualTo(0.6f);
    }

    @Test
    void aRequestsTopPAndSeedGoInTheEnsemblesTopPAndUint64Seed() {
        ModelInferRequest wire = TensorRtLlmContract.INSTANCE.toWire(seeded(0.7));

        assertThat(input(wire, "top_p")
                        .asReadOnlyByteBuffer()
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .getFloat())
                .isEqualTo(0.9f);
        assertThat(wire.getInputsList().stream().filter(t -> t.getName().equals("seed")))
                .singleElement()
                .extracting(InferInputTensor::getDatatype)
                .isEqualTo("UINT64");
        // 4,000,000,000 does not fit an int: a uint32 seed must arrive whole.
        assertThat(input(wire, "seed")
                        .asReadOnlyByteBuffer()
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .getLong())
                .isEqualTo(4_000_000_000L);
        assertThat(wire.getInputsList()).extracting(InferInputTensor::getName).doesNotContain("random_seed");
    }

    private static GenerationRequest seeded(double temperature) {
        return new GenerationRequest(
                "r-1",
                "m",
                TensorRtLlmContract.INSTANCE,
                "hello",
                3,
                List.of("</think>"),
                temperature,
                OptionalDouble.of(0.9),
                OptionalLong.of(4_000_000_000L));
    }

    @Test
    void everyTensorSentIsOneTheReadinessCheckLooksFor() {
        for (GenerationRequest sent : List.of(
                new GenerationRequest("r-1", "m", TensorRtLlmContract.INSTANCE, "hello", 3, List.of("</think>"), 0.0),
                new GenerationRequest("r-1", "m", TensorRtLlmContract.INSTANCE, "hello", 3, List.of("</think>"), 0.6),
                seeded(0.0),
                seeded(0.6))) {
            ModelInferRequest wire = TensorRtLlmContract.INSTANCE.toWire(sent);
            assertThat(TensorRtLlmContract.INSTANCE.inputs())
                    .containsAll(wire.getInputsList().stream()
                            .map(InferInputTensor::getName)
                            .toList());
        }
    }

    @Test
    void anEnsembleWithoutTokenCountsIsNamedWithWhatItLacksAndTheReleaseItNeeds() {
        // The inputs and outputs of TensorRT-LLM 0.16's ensemble that the contract uses.
        ModelMetadataResponse v016 = ModelMetadataResponse.newBuilder()
                .setName("ensemble")
                .addAllInputs(tensors(
                        "text_input",
                        "max_tokens",
                        "stop_words",
                        "top_k",
                        "top_p",
                        "temperature",
                        "stream",
                        "exclude_input_in_output",
                        "random_seed"))
                .addAllOutputs(tensors("text_output", "cum_log_probs"))
                .build();

        assertThat(TensorRtLlmContract.INSTANCE.missingFrom(v016))
                .hasValue("model 'ensemble' lacks inputs "
                        + "[return_num_input_tokens, return_num_output_tokens, seed] and outputs [num_input_tokens, "
                        + "num_output_tokens] of the tensorrt-llm contract; it needs "
                        + TensorRtLlmContract.INSTANCE.minimumBackend());
        assertThat(TensorRtLlmContract.INSTANCE.minimumBackend()).contains("TensorRT-LLM 1.0");
    }

    @Test
    void anEnsembleWithEveryTensorLacksNothing() {
        ModelMetadataResponse current = ModelMetadataResponse.newBuilder()
                .setName("ensemble")
                .addAllInputs(tensors(TensorRtLlmContract.INSTANCE.inputs().toArray(String[]::new)))
                .addAllInputs(tensors("bad_words", "min_tokens"))
                .addAllOutputs(tensors(TensorRtLlmContract.INSTANCE.outputs().toArray(String[]::new)))
                .build();

        assertThat(TensorRtLlmContract.INSTANCE.missingFrom(current)).isEmpty();
    }

    @Test
    void endingOnTheEndOfSequenceTokenChargesItThoughTensorRtLlmLeavesItUncounted() {
        Function<ModelStreamInferResponse, GenerationChunk> reader = TensorRtLlmContract.INSTANCE.reader(request);

        assertThat(reader.apply(response("answer1 ", 1, false)).outputTokens()).isEqualTo(1);
        GenerationChunk end = reader.apply(response("", 0, true));
        assertThat(end.outputTokens()).as("the end-of-sequence token").isEqualTo(1);
        assertThat(end.finishReason()).isEqualTo("stop");
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
        assertThat(reader.apply(response("answer2 ", 1, false)).finishReason())
                .as("not final")
                .isNull();
        assertThat(reader.apply(response("", 0, true)))
                .as("empty final response, the end of sequence charged")
                .isEqualTo(new GenerationChunk("", 1, 7, "stop", true));
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
        return ModelStreamInferResponse.newBuilder()
                .setInferResponse(ModelInferResponse.newBuilder()
                        .putParameters(
                                "triton_final_response",
                                InferParameter.newBuilder().setBoolParam(last).build())
                        .addOutputs(InferOutputTensor.newBuilder().setName("text_output"))
                        .addRawOutputContents(RawTensors.encodeString(text))
                        .addOutputs(InferOutputTensor.newBuilder().setName("num_output_tokens"))
                        .addRawOutputContents(RawTensors.encodeInt32(tokens))
                        .addOutputs(InferOutputTensor.newBuilder().setName("num_input_tokens"))
                        .addRawOutputContents(RawTensors.encodeInt32(7)))
                .build();
    }

    private static List<ModelMetadataResponse.TensorMetadata> tensors(String... names) {
        return java.util.Arrays.stream(names)
                .map(n -> ModelMetadataResponse.TensorMetadata.newBuilder()
                        .setName(n)
                        .build())
                .toList();
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
