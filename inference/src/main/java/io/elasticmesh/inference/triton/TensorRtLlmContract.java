package io.elasticmesh.inference.triton;

import com.google.protobuf.ByteString;
import io.elasticmesh.proto.inference.ModelInferRequest;
import io.elasticmesh.proto.inference.ModelStreamInferResponse;
import java.util.function.Function;
import java.util.stream.LongStream;

/**
 * The I/O contract of TensorRT-LLM's Triton {@code ensemble} model (tensorrtllm_backend
 * {@code all_models/inflight_batcher_llm/ensemble/config.pbtxt}). The ensemble batches ({@code max_batch_size > 0}),
 * so every tensor has a leading batch dimension of 1: {@code text_input} BYTES[1,1], {@code max_tokens}
 * INT32[1,1], {@code stop_words} BYTES[1,n], {@code stream}, {@code exclude_input_in_output} and
 * {@code return_num_input_tokens}/{@code return_num_output_tokens} BOOL[1,1]; greedy decoding is {@code top_k}
 * INT32[1,1] = 1, otherwise {@code temperature} FP32[1,1]. Back come {@code text_output} BYTES[1,n] and
 * {@code num_input_tokens}/{@code num_output_tokens} INT32[1,1].
 *
 * <p>Token counts are exact, never estimated: streaming, TensorRT-LLM sends one response per decoding step and
 * {@code num_output_tokens} counts the tokens of that response (its end-of-sequence token included), which the
 * mesh sums. The ensemble has no finish-reason output, so it is derived on the final response: {@code length}
 * when the summed count reached {@code max_tokens} and the text does not end with a stop word (stop words are kept
 * in TensorRT-LLM's output), else {@code stop}. A model that ends its turn exactly on its last allowed token is
 * therefore reported as {@code length}: the one case the two contracts tell apart differently.
 */
public enum TensorRtLlmContract implements TritonContract {
    INSTANCE;

    @Override
    public ModelInferRequest toWire(GenerationRequest request, long timeoutMicros) {
        ModelInferRequest.Builder wire = StreamedResponses.newRequest(request, timeoutMicros);
        StreamedResponses.addInput(wire, "text_input", "BYTES", RawTensors.encodeString(request.prompt()), 1, 1);
        StreamedResponses.addInput(wire, "max_tokens", "INT32", RawTensors.encodeInt32(request.maxTokens()), 1, 1);
        if (!request.stop().isEmpty()) {
            StreamedResponses.addInput(wire, "stop_words", "BYTES", RawTensors.encodeStrings(request.stop()), 1,
                    request.stop().size());
        }
        if (request.temperature() == 0.0) {
            StreamedResponses.addInput(wire, "top_k", "INT32", RawTensors.encodeInt32(1), 1, 1);
        } else {
            StreamedResponses.addInput(wire, "temperature", "FP32",
                    RawTensors.encodeFp32((float) request.temperature()), 1, 1);
        }
        for (String flag : new String[] { "stream", "exclude_input_in_output", "return_num_input_tokens",
                "return_num_output_tokens" }) {
            StreamedResponses.addInput(wire, flag, "BOOL", RawTensors.encodeBool(true), 1, 1);
        }
        return wire.build();
    }

    @Override
    public Function<ModelStreamInferResponse, GenerationChunk> reader(GenerationRequest request) {
        return new Function<>() {
            private final StringBuilder text = new StringBuilder();
            private long outputTokens;

            @Override
            public GenerationChunk apply(ModelStreamInferResponse streamed) {
                StreamedResponses.Response response = StreamedResponses.read(streamed);
                String delta = StreamedResponses.text(response);
                int tokens = response.output("num_output_tokens").map(TensorRtLlmContract::int32).orElse(0);
                int input = response.output("num_input_tokens").map(TensorRtLlmContract::int32).orElse(-1);
                text.append(delta);
                outputTokens += tokens;
                String finish = response.last() ? finishReason() : null;
                return new GenerationChunk(delta, tokens, input, finish, response.last());
            }

            private String finishReason() {
                boolean stopped = request.stop().stream().anyMatch(s -> text.toString().endsWith(s));
                return outputTokens >= request.maxTokens() && !stopped ? "length" : "stop";
            }
        };
    }

    private static int int32(ByteString raw) {
        return (int) LongStream.of(RawTensors.decodeInt32(raw)).sum();
    }
}
