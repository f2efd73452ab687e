package io.elasticmesh.solution.service;

import io.elasticmesh.conversation.Phase;
import io.elasticmesh.conversation.PhaseEvent;
import io.elasticmesh.conversation.Sampling;
import io.elasticmesh.inference.profile.ModelProfile;
import io.elasticmesh.inference.profile.ModelProfiles;
import io.elasticmesh.inference.quarkus.TritonClient;
import io.elasticmesh.inference.triton.Generation;
import io.elasticmesh.inference.triton.GenerationRequest;
import io.elasticmesh.inference.triton.ScannedGeneration;
import io.elasticmesh.solution.Solution;
import io.grpc.Deadline;
import io.smallrye.mutiny.Multi;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The solution phase of Elastic Reasoning, served as the gRPC {@code SolutionService}: the prompt continues after
 * thinking closed by exactly one delimiter (the model's own, or one the mesh appends), and the answer gets its full
 * reserved budget, stopping at end of sequence.
 * <p>
 * A model that writes a thinking delimiter while answering has left the answer (it is opening a second thinking
 * block, or closing one that is already closed): the answer ends there, and neither the delimiter nor anything
 * after it is returned.
 */
@ApplicationScoped
public class AnswerService {

    private final ModelProfiles profiles;
    private final TritonClient triton;

    public AnswerService(ModelProfiles profiles, TritonClient triton) {
        this.profiles = profiles;
        this.triton = triton;
    }

    public Multi<PhaseEvent<Solution>> solve(
            String requestId,
            String model,
            String thinkingPrompt,
            String thinking,
            boolean closedByModel,
            int budgetTokens,
            Sampling sampling,
            Deadline deadline) {
        return Multi.createFrom().deferred(() -> {
            ModelProfile profile = profiles.require(model);
            GenerationRequest request = profile.generation(
                    requestId + ":solution",
                    profile.solutionPrompt(thinkingPrompt, thinking),
                    budgetTokens,
                    List.of(profile.thinkingStart(), profile.thinkingEnd()),
                    sampling);
            long start = System.nanoTime();
            int forced = closedByModel ? 0 : 1;
            return triton.generate(Phase.SOLUTION, request, deadline, List.of(), null)
                    .map(event -> event.mapResult(scanned -> interpret(scanned, forced, start)));
        });
    }

    private static Solution interpret(ScannedGeneration scanned, int forcedDelimiters, long startNanos) {
        Generation generation = scanned.generation();
        boolean stoppedAtDelimiter = scanned.stop().isPresent();
        return new Solution(
                scanned.text() + scanned.heldBack(),
                generation.outputTokens(),
                forcedDelimiters,
                !stoppedAtDelimiter && generation.finishReason() == Generation.Finish.LENGTH,
                stoppedAtDelimiter,
                generation.inputTokens(),
                generation.firstTokenMillis(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
    }
}
