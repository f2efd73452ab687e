package io.elasticmesh.decoder.service;

import io.elasticmesh.inference.profile.ModelProfile;
import io.elasticmesh.inference.profile.ModelProfiles;
import io.elasticmesh.inference.profile.Turn;
import io.elasticmesh.inference.quarkus.TritonClient;
import io.elasticmesh.inference.triton.Generation;
import io.elasticmesh.inference.triton.GenerationRequest;
import io.grpc.Deadline;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The thinking phase of Elastic Reasoning: at most {@code t} generated tokens, stopping early at the model's own
 * end-of-thinking delimiter. Whether thinking was cut is read from the backend's finish reason, never estimated.
 */
@ApplicationScoped
public class ThinkingService {

    private final ModelProfiles profiles;
    private final TritonClient triton;

    public ThinkingService(ModelProfiles profiles, TritonClient triton) {
        this.profiles = profiles;
        this.triton = triton;
    }

    /**
     * @param timeLimit the phase's share of the request's deadline: when it is spent, thinking stops and what was
     *     generated is returned as cut; null for no limit but {@code deadline}, which fails the call
     */
    public Uni<Thinking> think(String requestId, String model, List<Turn> conversation, int budgetTokens,
            Duration timeLimit, Deadline deadline) {
        ModelProfile profile = profiles.require(model);
        String prompt = profile.thinkingPrompt(conversation);
        GenerationRequest request = new GenerationRequest(requestId + ":thinking", profile.tritonModel(), prompt,
                budgetTokens, List.of(profile.thinkingEnd()), profile.temperature());
        long start = System.nanoTime();
        Uni<Generation> generation = timeLimit == null ? triton.generate(request, deadline)
                : triton.generate(request, deadline, timeLimit);
        return generation.map(g -> interpret(profile, prompt, g, start));
    }

    static Thinking interpret(ModelProfile profile, String prompt, Generation generation, long startNanos) {
        String text = generation.text();
        boolean closed = generation.finishReason() == Generation.Finish.STOP && text.endsWith(profile.thinkingEnd());
        if (closed) {
            text = text.substring(0, text.length() - profile.thinkingEnd().length());
        }
        boolean deadlineCut = generation.finishReason() == Generation.Finish.TIME_LIMIT;
        boolean truncated = generation.finishReason() == Generation.Finish.LENGTH || deadlineCut;
        return new Thinking(prompt, text, closed, truncated, generation.inputTokens(), generation.outputTokens(),
                generation.firstTokenMillis(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos),
                deadlineCut);
    }
}
