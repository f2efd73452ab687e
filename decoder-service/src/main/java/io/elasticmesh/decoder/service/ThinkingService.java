package io.elasticmesh.decoder.service;

import io.elasticmesh.conversation.Phase;
import io.elasticmesh.conversation.PhaseEvent;
import io.elasticmesh.conversation.ThinkingCut;
import io.elasticmesh.conversation.Turn;
import io.elasticmesh.decoder.Thinking;
import io.elasticmesh.decoder.ThinkingLimits;
import io.elasticmesh.inference.profile.ContextWindowExceeded;
import io.elasticmesh.inference.profile.ModelProfile;
import io.elasticmesh.inference.profile.ModelProfiles;
import io.elasticmesh.inference.quarkus.TritonClient;
import io.elasticmesh.inference.triton.Generation;
import io.elasticmesh.inference.triton.GenerationRequest;
import io.elasticmesh.inference.triton.ScannedGeneration;
import io.elasticmesh.inference.triton.TritonModelException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The thinking phase of Elastic Reasoning: at most {@code t} generated tokens (fewer when the context window must
 * keep room for the answer), stopping early at the model's own end-of-thinking delimiter, or when the phase's share
 * of the deadline is spent. Whether thinking was cut is read
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

    /** Thinks about {@code conversation} from the start. */
    public Multi<PhaseEvent<Thinking>> think(
            String requestId, String model, List<Turn> conversation, ThinkingLimits limits) {
        return Multi.createFrom().deferred(() -> {
            ModelProfile profile = profiles.require(model);
            return run(profile, requestId, profile.thinkingPrompt(conversation), "", limits);
        });
    }

    /** Thinks further after {@code priorThinking}, an earlier phase's thinking on {@code prompt}. */
    public Multi<PhaseEvent<Thinking>> resume(
            String requestId, String model, String prompt, String priorThinking, ThinkingLimits limits) {
        return Multi.createFrom()
                .deferred(() -> run(profiles.require(model), requestId, prompt, priorThinking, limits));
    }

    /**
     * Fits the budget to the context window, then thinks. A thinking delimiter the model opens again inside
     * thinking is dropped from the text (its tokens still count): thinking text never holds a delimiter.
     */
    private Multi<PhaseEvent<Thinking>> run(
            ModelProfile profile, String requestId, String prompt, String priorThinking, ThinkingLimits limits) {
        long start = System.nanoTime();
        return fittedBudget(profile, requestId, prompt + priorThinking, limits)
                .onItem()
                .transformToMulti(budget -> {
                    GenerationRequest request = profile.generation(
                            requestId + ":thinking",
                            prompt + priorThinking,
                            budget,
                            List.of(profile.thinkingEnd()),
                            limits.sampling());
                    return triton.generate(
                                    Phase.THINKING,
                                    request,
                                    limits.deadline(),
                                    List.of(profile.thinkingStart()),
                                    limits.timeLimit())
                            .map(event -> event.mapResult(scanned ->
                                    interpret(prompt, priorThinking, scanned, budget, limits.budgetTokens(), start)));
                });
    }

    /**
     * t as the context window allows it (see {@link ModelProfile#fitThinkingBudget}). The prompt is counted by
     * Triton only when its size cannot show that everything fits, so a short prompt costs no extra call.
     */
    private Uni<Integer> fittedBudget(
            ModelProfile profile, String requestId, String promptText, ThinkingLimits limits) {
        int budget = limits.budgetTokens();
        int solution = limits.solutionBudgetTokens();
        if (!profile.mayOverflow(promptText, budget, solution)) {
            return Uni.createFrom().item(budget);
        }
        return triton.countPromptTokens(
                        profile.generation(requestId + ":count", promptText, 1, List.of()), limits.deadline())
                .onFailure(TritonModelException.class)
                .transform(e -> profile.mayOverflow(promptText, 1, solution)
                        // The prompt alone may be longer than the window: Triton's refusal says by how much.
                        ? new ContextWindowExceeded("the prompt may not fit the context window of model '"
                                + profile.name() + "' (" + profile.contextWindowTokens() + " tokens) with "
                                + "thinking_budget_tokens " + budget + ", closing " + profile.closingTokens()
                                + " and solution_budget_tokens " + solution + "; Triton refused it: "
                                + e.getMessage() + "; shorten the conversation")
                        : e)
                .map(promptTokens ->
                        profile.fitThinkingBudget(promptTokens, budget, solution, limits.fitToContextWindow()));
    }

    /**
     * Cut ⇔ the budget, the time or the context window ran out before the model wrote the delimiter. The window is
     * the reason when t was lowered to fit it, or when the backend stopped for length before the budget. A cut that
     * lands inside the delimiter (text ending in, say, {@code </thi}) drops that fragment, so the solution phase's
     * one appended delimiter stands alone.
     *
     * @param budget the budget sent to Triton
     * @param requestedBudget the budget asked for
     */
    static Thinking interpret(
            String prompt,
            String priorThinking,
            ScannedGeneration end,
            int budget,
            int requestedBudget,
            long startNanos) {
        Generation generation = end.generation();
        boolean closed = end.stop().isPresent();
        ThinkingCut cut = closed
                ? ThinkingCut.NONE
                : switch (generation.finishReason()) {
                    case TIME_LIMIT -> ThinkingCut.DEADLINE;
                    case LENGTH ->
                        budget < requestedBudget || generation.outputTokens() < budget
                                ? ThinkingCut.CONTEXT_WINDOW
                                : ThinkingCut.TOKEN_BUDGET;
                    case STOP -> ThinkingCut.NONE;
                };
        String text = priorThinking + end.text() + (cut != ThinkingCut.NONE ? "" : end.heldBack());
        return new Thinking(
                prompt,
                text,
                closed,
                cut,
                generation.inputTokens(),
                generation.outputTokens(),
                budget,
                generation.firstTokenMillis(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
    }
}
