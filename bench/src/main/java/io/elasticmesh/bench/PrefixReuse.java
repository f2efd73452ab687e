package io.elasticmesh.bench;

import io.elasticmesh.inference.profile.ModelProfile;
import io.elasticmesh.local.ElasticReasoningReference;
import io.elasticmesh.proto.inference.InferParameter;
import java.util.List;

/**
 * Solution-phase time to first token on SmolLM2 with and without prompt-prefix reuse, as the mesh runs the two
 * phases: a thinking call, then at once the solution call whose prompt starts with the thinking prompt and its
 * thinking. The Triton request parameter {@code prefix_reuse} (bool, read by triton/models/smollm2) switches the
 * reuse of the previous request's prompt KV cache on or off per request; runs alternate between the two so both see
 * the same load. A model without the switch ignores the parameter, and both numbers then measure a full prompt
 * evaluation.
 */
final class PrefixReuse {

    private static final String PARAMETER = "prefix_reuse";
    private static final int THINKING_TOKENS = 16;

    record Result(int runs, double solutionTtftMsWith, double solutionTtftMsWithout) {}

    private PrefixReuse() {}

    static Result measure(Endpoints endpoints, int runs) {
        Samples with = new Samples();
        Samples without = new Samples();
        for (int i = 0; i < 2 * runs; i++) {
            boolean reuse = i % 2 == 0;
            (reuse ? with : without).add(solutionTtftNanos(endpoints, i, reuse));
        }
        return new Result(runs, with.p50Ms(), without.p50Ms());
    }

    private static long solutionTtftNanos(Endpoints endpoints, int run, boolean reuse) {
        ModelProfile profile = endpoints.smollm2;
        // A new question every run, so no run finds the prefix from an earlier one.
        Endpoints.Call call = endpoints.smollm2(
                "Question " + run + ": explain why the sky is blue, step by step.", THINKING_TOKENS, 4);
        String prompt = call.thinkingPrompt();
        String thinking = endpoints
                .direct
                .generate(profile, prompt, THINKING_TOKENS, List.of(profile.thinkingEnd()))
                .text()
                .replace(profile.thinkingEnd(), "");
        var solution = ElasticReasoningReference.wire(
                        profile,
                        profile.solutionPrompt(prompt, thinking),
                        call.s(),
                        List.of(profile.thinkingStart(), profile.thinkingEnd()))
                .toBuilder()
                .putParameters(
                        PARAMETER,
                        InferParameter.newBuilder().setBoolParam(reuse).build())
                .build();
        return endpoints.direct.generate(solution).firstTokenNanos();
    }
}
