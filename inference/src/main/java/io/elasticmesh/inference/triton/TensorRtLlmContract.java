package io.elasticmesh.inference.triton;

import com.google.protobuf.ByteString;
import io.elasticmesh.proto.inference.ModelInferRequest;
import io.elasticmesh.proto.inference.ModelStreamInferResponse;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.LongStream;

/**
 * The I/O contract of TensorRT-LLM's Triton {@code ensemble} model (TensorRT-LLM {@code triton_backend/all_models/
 * inflight_batcher_llm/ensemble/config.pbtxt}) as it is from TensorRT-LLM 1.0: the token-count inputs and outputs
 * arrived with TensorRT-LLM PR #5445 (merged 2025-06-27); the ensembles of 0.16 (Triton 24.12) to 0.19 lack them,
 * and Triton rejects any request that sends them, which the readiness check ({@link #missingFrom}) catches first.
 * The ensemble batches ({@code max_batch_size > 0}), so every tensor has a leading batch dimension of 1:
 * {@code text_input} BYTES[1,1], {@code max_tokens} INT32[1,1], {@code stop_words} BYTES[1,n], {@code stream},
 * {@code exclude_input_in_output} and {@code return_num_input_tokens}/{@code return_num_output_tokens} BOOL[1,1],
 * and the sampling tensors. Back come {@code text_output} BYTES[1,n] and
 * {@code num_input_tokens}/{@code num_output_tokens} INT32[1,1].
 *
 * <p>Sampling: TensorRT-LLM's defaults are {@code top_k} = 0 and {@code top_p} = 0, which is greedy whatever the
 * temperature, so a sampled request sends {@code top_k} = 0 (no limit) and its {@code top_p} (1, the whole
 * distribution, unless the request set it) with its {@code temperature}; a greedy one sends {@code top_k} = 1. A
 * seed goes in {@code seed} UINT64[1,1]. The ensemble maps {@code top_p} to the {@code tensorrt_llm} model's
 * {@code runtime_top_p} and {@code seed} to its {@code seed} (the 0.16–0.19 ensembles named it
 * {@code random_seed}; they lack the token counts anyway).
 *
 * <p>Token counts are exact, never estimated: streaming, TensorRT-LLM sends one response per decoding step and
 * {@code num_output_tokens} counts the tokens of that response, which the mesh sums. Unlike vLLM it leaves the
 * end-of-sequence token out; the mesh counts every sampled token (the vLLM rule), so the final response of a
 * generation that ended on that token is charged one more. The ensemble has no finish-reason output, so it is
 * derived on the final response: {@code stop} when the text ends with a stop word (TensorRT-LLM keeps stop words in
 * its output), else {@code length} when the count reached {@code max_tokens}, else {@code stop} (end of sequence).
 */
public enum TensorRtLlmContract implements TritonContract {
    INSTANCE;

    @Override
    public String contractName() {
        return "tensorrt-llm";
    }

    @Override
    public Set<String> inputs() {
        return Set.of(
                "text_input",
                "max_tokens",
                "stop_words",
                "top_k",
                "top_p",
                "temperature",
                "seed",
                "stream",
                "exclude_input_in_output",
                "return_num_input_tokens",
                "return_num_output_tokens");
    }

    @Override
    public Set<String> outputs() {
        return Set.of("text_output", "num_input_tokens", "num_output_tokens");
    }

    @Override
    public String minimumBackend() {
        return "TensorRT-LLM 1.0 or later (token counts from TensorRT-LLM PR #5445; 0.16 to 0.19 lack them)";
    }

    @Override
    public ModelInferRequest toWire(GenerationRequest request) {
        ModelInferRequest.Builder wire = StreamedResponses.newRequest(request);
        StreamedResponses.addInput(wire, "text_input", "BYTES", RawTensors.encodeString(request.prompt()), 1, 1);
        StreamedResponses.addInput(wire, "max_tokens", "INT32", RawTensors.encodeInt32(request.maxTokens()), 1, 1);
        if (!request.stop().isEmpty()) {
            StreamedResponses.addInput(
                    wire,
                    "stop_words",
                    "BYTES",
                    RawTensors.encodeStrings(request.stop()),
                    1,
                    request.stop().size());
        }
        if (request.temperature() == 0.0) {
            StreamedResponses.addInput(wire, "top_k", "INT32", RawTensors.encodeInt32(1), 1, 1);
        } else {
            StreamedResponses.addInput(
                    wire, "temperature", "FP32", RawTensors.encodeFp32((float) request.temperature()), 1, 1);
            StreamedResponses.addInput(wire, "top_k", "INT32", RawTensors.encodeInt32(0), 1, 1);
            StreamedResponses.addInput(
                    wire,
                    "top_p",
                    "FP32",
                    RawTensors.encodeFp32((float) request.topP().orElse(1.0)),
                    1,
                    1);
        }
        if (request.seed().isPresent()) {
            StreamedResponses.addInput(
                    wire,
                    "seed",
                    "UINT64",
                    RawTensors.encodeUint64(request.seed().getAsLong()),
                    1,
                    1);
        }
        for (String flag :
                new String[] {"stream", "exclude_input_in_output", "return_num_input_tokens", "return_num_output_tokens"
                }) {
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
                int tokens = response.output("num_output_tokens")
                        .map(TensorRtLlmContract::int32)
                        .orElse(0);
                int input = response.output("num_input_tokens")
                        .map(TensorRtLlmContract::int32)
                        .orElse(-1);
                text.append(delta);
                outputTokens += tokens;
                if (!response.last()) {
                    return new GenerationChunk(delta, tokens, input, null, false);
                }
                boolean stopWord =
                        request.stop().stream().anyMatch(s -> text.toString().endsWith(s));
                if (!stopWord && outputTokens >= request.maxTokens()) {
                    return new GenerationChunk(delta, tokens, input, "length", true);
                }
                // Ended on a stop word (counted) or on the end-of-sequence token (not counted by TensorRT-LLM).
                return new GenerationChunk(delta, stopWord ? tokens : tokens + 1, input, "stop", true);
            }
        };
    }

    private static int int32(ByteString raw) {
        return (int) LongStream.of(RawTensors.decodeInt32(raw)).sum();
    }
}
