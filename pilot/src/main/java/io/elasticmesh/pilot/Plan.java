package io.elasticmesh.pilot;

import io.elasticmesh.conversation.TokenPrice;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A pilot plan as validated from its YAML file ({@link PlanFile}): what to ask, at which budgets, how to sample and
 * what a token costs.
 *
 * @param name names the run in the report
 * @param tiers SLA tiers the requests name; every budget point runs in each
 * @param budgets the (t, s) points, explicit entries then the grid's product, in the file's order
 * @param baseline the unconstrained point: sent with clamp_budgets, so the router lowers it to the tier's ceiling
 * @param samples answers per item and budget (the paper's avg@16: 16)
 * @param seed first seed; sample k of an item is sent with seed + k, so a rerun asks the same thing
 * @param concurrency requests in flight at once
 * @param margin accuracy a recommended budget may lose against the best, as a fraction (0.05 = 5 points)
 * @param prices per mesh model name
 */
public record Plan(
        String name,
        List<Dataset> datasets,
        List<String> tiers,
        List<Budget> budgets,
        Budget baseline,
        int samples,
        Double temperature,
        Double topP,
        long seed,
        int concurrency,
        double margin,
        Map<String, TokenPrice> prices) {

    /** Which grader compares an answer to the item's reference. */
    public enum Grading {
        /** Hugging Face Math-Verify on the solution text (its last boxed or LaTeX answer). */
        MATH,
        /** Normalized exact match of the final answer. */
        EXACT,
        /** The choice letter (A–J) of the final answer. */
        CHOICE,
        /** No reference answers: agreement with the baseline only. */
        NONE
    }

    /**
     * A set of items.
     *
     * @param file .json (an array, as the benchmark files) or .jsonl ({@code id}, {@code messages} or
     *     {@code problem}, optional {@code answer}), resolved against the plan file's directory
     * @param limit the first N items only; 0 for all
     * @param instruction appended to a {@code problem} (the paper's prompt asks for a boxed answer); null for none
     */
    public record Dataset(String name, Path file, Grading grading, int limit, String instruction) {}

    /** A thinking budget t and a solution budget s, tokens. */
    public record Budget(int thinkingTokens, int solutionTokens) {
        public String label() {
            return "t=" + thinkingTokens + ",s=" + solutionTokens;
        }
    }
}
