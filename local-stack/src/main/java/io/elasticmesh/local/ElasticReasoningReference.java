package io.elasticmesh.local;

import io.elasticmesh.conversation.Turn;
import io.elasticmesh.inference.profile.ModelProfile;
import io.elasticmesh.inference.triton.GenerationChunk;
import io.elasticmesh.inference.triton.GenerationRequest;
import io.elasticmesh.inference.triton.VllmContract;
import io.elasticmesh.proto.inference.GRPCInferenceServiceGrpc;
import io.elasticmesh.proto.inference.ModelInferRequest;
import io.elasticmesh.proto.inference.ModelStreamInferResponse;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Elastic Reasoning as the paper states it, written apart from the mesh and calling Triton directly: think with
 * max_tokens = t, stopping at the end-of-thinking delimiter; if it did not appear, append exactly one; answer with
 * max_tokens = s until end of sequence. Plus the mesh's documented boundary rules: a thinking delimiter re-opened
 * while thinking is dropped from the thinking, a cut inside a delimiter drops the fragment, and a thinking delimiter
 * in the answer ends the answer. The equality tests hold the mesh to
 * it, and the benchmark uses it as the minimal client the mesh is compared with. Safe for concurrent use.
 */
public final class ElasticReasoningReference {

    private static final long DEADLINE_MINUTES = 2;

    /**
     * What the procedure produced, with the backend's token counts.
     *
     * @param firstThinkingTokenNanos from sending the thinking call to its first generated token, what a client
     *     streaming the thinking would wait for
     */
    public record Outcome(
            String thinking,
            int thinkingTokens,
            boolean thinkingCut,
            String solution,
            int solutionTokens,
            boolean solutionCut,
            int promptTokens,
            long firstThinkingTokenNanos) {}

    /**
     * One generation call's result.
     *
     * @param firstTokenNanos from sending the request to the first response carrying a generated token
     */
    public record Output(String text, int tokens, int inputTokens, String finishReason, long firstTokenNanos) {}

    private final GRPCInferenceServiceGrpc.GRPCInferenceServiceStub triton;

    public ElasticReasoningReference(Channel tritonChannel) {
        this.triton = GRPCInferenceServiceGrpc.newStub(tritonChannel);
    }

    public Outcome run(ModelProfile profile, List<Turn> conversation, int t, int s) {
        String end = profile.thinkingEnd();
        String prompt = profile.thinkingPrompt(conversation);
        Output thought = generate(profile, prompt, t, List.of(end));
        int close = thought.text().indexOf(end);
        boolean cut = close < 0 && thought.finishReason().equals("length");
        String thinking = close >= 0 ? thought.text().substring(0, close) : thought.text();
        String start = profile.thinkingStart();
        for (int open = thinking.indexOf(start); open >= 0; open = thinking.indexOf(start)) {
            thinking = thinking.substring(0, open) + thinking.substring(open + start.length());
        }
        if (cut) {
            int fragment = 0;
            for (String delimiter : List.of(end, start)) {
                for (int k = delimiter.length() - 1; k > fragment; k--) {
                    if (thinking.endsWith(delimiter.substring(0, k))) {
                        fragment = k;
                        break;
                    }
                }
            }
            thinking = thinking.substring(0, thinking.length() - fragment);
        }
        Output answer = generate(
                profile, prompt + thinking + end + profile.solutionPrefix(), s, List.of(profile.thinkingStart(), end));
        String solution = answer.text();
        int delimiter = firstOf(solution, profile.thinkingStart(), end);
        if (delimiter >= 0) {
            solution = solution.substring(0, delimiter);
        }
        return new Outcome(
                thinking,
                thought.tokens(),
                cut,
                solution,
                answer.tokens(),
                delimiter < 0 && answer.finishReason().equals("length"),
                thought.inputTokens(),
                thought.firstTokenNanos());
    }

    private static int firstOf(String text, String a, String b) {
        int i = text.indexOf(a);
        int j = text.indexOf(b);
        return i < 0 ? j : j < 0 ? i : Math.min(i, j);
    }

    /** One plain streamed generation on the profile's Triton model. */
    public Output generate(ModelProfile profile, String prompt, int maxTokens, List<String> stop) {
        return generate(wire(profile, prompt, maxTokens, stop));
    }

    /** The wire request {@link #generate(ModelProfile, String, int, List)} sends, for callers that add to it. */
    public static ModelInferRequest wire(ModelProfile profile, String prompt, int maxTokens, List<String> stop) {
        return VllmContract.INSTANCE.toWire(new GenerationRequest(
                "reference",
                profile.tritonModel(),
                VllmContract.INSTANCE,
                prompt,
                maxTokens,
                stop,
                profile.temperature()));
    }

    /** Streams {@code request} and collects its text, counts and time to the first token. */
    public Output generate(ModelInferRequest request) {
        CompletableFuture<Output> done = new CompletableFuture<>();
        StringBuilder text = new StringBuilder();
        int[] counts = new int[2];
        String[] finish = new String[1];
        long[] firstToken = {-1};
        long start = System.nanoTime();
        StreamObserver<ModelInferRequest> requests = triton.withDeadlineAfter(DEADLINE_MINUTES, TimeUnit.MINUTES)
                .modelStreamInfer(new StreamObserver<>() {
                    @Override
                    public void onNext(ModelStreamInferResponse response) {
                        try {
                            GenerationChunk chunk = VllmContract.fromWire(response);
                            if (firstToken[0] < 0 && chunk.outputTokens() > 0) {
                                firstToken[0] = System.nanoTime() - start;
                            }
                            text.append(chunk.textDelta());
                            counts[0] += chunk.outputTokens();
                            if (chunk.inputTokens() >= 0) {
                                counts[1] = chunk.inputTokens();
                            }
                            if (chunk.finishReason() != null) {
                                finish[0] = chunk.finishReason();
                            }
                            if (chunk.last()) {
                                done.complete(
                                        new Output(text.toString(), counts[0], counts[1], finish[0], firstToken[0]));
                            }
                        } catch (RuntimeException e) {
                            done.completeExceptionally(e);
                        }
                    }

                    @Override
                    public void onError(Throwable error) {
                        done.completeExceptionally(error);
                    }

                    @Override
                    public void onCompleted() {
                        done.completeExceptionally(new IllegalStateException("stream ended before the final response"));
                    }
                });
        requests.onNext(request);
        Output output = done.join();
        requests.onCompleted();
        return output;
    }
}
