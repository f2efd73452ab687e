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

    public Uni<Thinking> think(String requestId, String model, List<Turn> conversation, int budgetTokens,
            Deadline deadline) {
        ModelProfile profile = profiles.require(model);
        String prompt = profile.thinkingPrompt(conversation);
        GenerationRequest request = profile.generation(requestId + ":thinking", prompt, budgetTokens,
                List.of(profile.thinkingEnd()));
        long start = System.nanoTime();
        return triton.generate(request, deadline).map(generation -> interpret(profile, prompt, generation, start));
    }

    static Thinking interpret(ModelProfile profile, String prompt, Generation generation, long startNanos) {
        String text = generation.text();
        boolean closed = generation.finishReason() == Generation.Finish.STOP && text.endsWith(profile.thinkingEnd());
        if (closed) {
            text = text.substring(0, text.length() - profile.thinkingEnd().length());
        }
        boolean truncated = generation.finishReason() == Generation.Finish.LENGTH;
        return new Thinking(prompt, text, closed, truncated, generation.inputTokens(), generation.outputTokens(),
                generation.firstTokenMillis(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
    }
}
