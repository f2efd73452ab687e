package io.elasticmesh.solution.service;

import io.elasticmesh.inference.profile.ModelProfile;
import io.elasticmesh.inference.profile.ModelProfiles;
import io.elasticmesh.inference.quarkus.TritonClient;
import io.elasticmesh.inference.triton.Generation;
import io.elasticmesh.inference.triton.GenerationRequest;
import io.grpc.Deadline;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The solution phase of Elastic Reasoning: the prompt continues after thinking closed by exactly one delimiter (the
 * model's own, or one the mesh appends), and the answer gets its full reserved budget, stopping at end of sequence.
 */
@ApplicationScoped
public class SolutionService {

    private final ModelProfiles profiles;
    private final TritonClient triton;

    public SolutionService(ModelProfiles profiles, TritonClient triton) {
        this.profiles = profiles;
        this.triton = triton;
    }

    public Uni<Solution> solve(String requestId, String model, String thinkingPrompt, String thinking,
            boolean closedByModel, int budgetTokens, Deadline deadline) {
        ModelProfile profile = profiles.require(model);
        GenerationRequest request = profile.generation(requestId + ":solution",
                profile.solutionPrompt(thinkingPrompt, thinking), budgetTokens, List.of());
        long start = System.nanoTime();
        return triton.generate(request, deadline).map(generation -> new Solution(generation.text(),
                generation.outputTokens(), closedByModel ? 0 : 1,
                generation.finishReason() == Generation.Finish.LENGTH, generation.inputTokens(),
                generation.firstTokenMillis(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)));
    }
}
