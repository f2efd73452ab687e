package io.elasticmesh.decoder.service;

import io.elasticmesh.inference.profile.ModelProfile;
import io.elasticmesh.inference.profile.ModelProfiles;
import io.elasticmesh.inference.profile.Turn;
import io.elasticmesh.inference.quarkus.TritonClient;
import io.elasticmesh.inference.triton.Generation;
import io.elasticmesh.inference.triton.GenerationRequest;
import io.elasticmesh.inference.triton.Phase;
import io.elasticmesh.inference.triton.PhaseEvent;
import io.elasticmesh.inference.triton.ScannedGeneration;
import io.grpc.Deadline;
import io.smallrye.mutiny.Multi;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The thinking phase of Elastic Reasoning: at most {@code t} generated tokens, stopping early at the model's own
 * end-of-thinking delimiter, or when the phase's share of the deadline is spent. Whether thinking was cut is read
 * from the backend's finish reason (or the time limit), never estimated.
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
     * What bounds one thinking phase.
     *
     * @param budgetTokens the thinking budget t, at least 1
     * @param timeLimit the phase's share of the request's deadline: when it is spent, thinking stops and what was
     *     generated is returned as cut; null for no limit but {@code deadline}
     * @param deadline the call's deadline, which fails the call when it passes
     */
    public record Limits(int budgetTokens, Duration timeLimit, Deadline deadline) {
    }

    /** Thinks about {@code conversation} from the start. */
    public Multi<PhaseEvent<Thinking>> think(String requestId, String model, List<Turn> conversation, Limits limits) {
        return Multi.createFrom().deferred(() -> {
            ModelProfile profile = profiles.require(model);
            return run(profile, requestId, profile.thinkingPrompt(conversation), "", limits);
        });
    }

    /** Thinks further after {@code priorThinking}, an earlier phase's thinking on {@code prompt}. */
    public Multi<PhaseEvent<Thinking>> resume(String requestId, String model, String prompt, String priorThinking,
            Limits limits) {
        return Multi.createFrom().deferred(() -> run(profiles.require(model), requestId, prompt, priorThinking, limits));
    }

    private Multi<PhaseEvent<Thinking>> run(ModelProfile profile, String requestId, String prompt,
            String priorThinking, Limits limits) {
        GenerationRequest request = profile.generation(requestId + ":thinking", prompt + priorThinking,
                limits.budgetTokens(), List.of(profile.thinkingEnd()));
        long start = System.nanoTime();
        return triton.generate(Phase.THINKING, request, limits.deadline(), limits.timeLimit())
                .map(event -> event.mapResult(scanned -> interpret(prompt, priorThinking, scanned, start)));
    }

    /**
     * Cut ⇔ the budget or the time ran out before the model wrote the delimiter. A cut that lands inside the
     * delimiter (text ending in, say, {@code </thi}) drops that fragment, so the solution phase's one appended
     * delimiter stands alone.
     */
    static Thinking interpret(String prompt, String priorThinking, ScannedGeneration end, long startNanos) {
        Generation generation = end.generation();
        boolean closed = end.stop().isPresent();
        boolean deadlineCut = !closed && generation.finishReason() == Generation.Finish.TIME_LIMIT;
        boolean truncated = deadlineCut || !closed && generation.finishReason() == Generation.Finish.LENGTH;
        String text = priorThinking + end.text() + (truncated ? "" : end.heldBack());
        return new Thinking(prompt, text, closed, truncated, generation.inputTokens(), generation.outputTokens(),
                generation.firstTokenMillis(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos),
                deadlineCut);
    }
}
