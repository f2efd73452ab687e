package io.elasticmesh.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The budget invariants over random budgets and random model behaviour, through the real mesh and Triton. The
 * scripted model thinks {@code think} steps and then closes thinking (as one token, as two, or never), answers
 * {@code answer} words and optionally writes {@code <think>} inside the answer after {@code reopen} words.
 */
class BudgetInvariantsIT {

    @Property(tries = 80)
    void budgetsHoldWhateverTheModelDoes(
            @ForAll @IntRange(max = 30) int think,
            @ForAll("closings") String close,
            @ForAll @IntRange(max = 20) int answer,
            @ForAll @IntRange(min = -1, max = 20) int reopen,
            @ForAll @IntRange(min = 1, max = 48) int t,
            @ForAll @IntRange(min = 1, max = 32) int s) {
        String directive =
                "think=" + think + " close=" + close + " answer=" + answer + (reopen >= 0 ? " reopen=" + reopen : "");

        ReasonResponse r = SharedMesh.routerStub()
                .withDeadlineAfter(1, TimeUnit.MINUTES)
                .reason(SharedMesh.scripted(directive)
                        .setThinkingBudgetTokens(t)
                        .setSolutionBudgetTokens(s)
                        .build());

        int naturalThinking = switch (close) {
            case "yes" -> think + 1;
            case "split" -> think + 2;
            default -> Integer.MAX_VALUE;
        };
        boolean cut = naturalThinking > t;
        int wordsBeforeDelimiter = reopen >= 0 ? Math.min(reopen, answer) : answer;
        int naturalSolution = wordsBeforeDelimiter + 1; // the <think> token or end of sequence

        assertThat(r.getUsage().getThinkingTokens()).isLessThanOrEqualTo(t).isEqualTo(cut ? t : naturalThinking);
        assertThat(r.getUsage().getSolutionTokens()).isLessThanOrEqualTo(s).isEqualTo(Math.min(naturalSolution, s));
        assertThat(r.getThinkingTruncated()).isEqualTo(cut);
        assertThat(r.getUsage().getForcedDelimiters()).isEqualTo(cut ? 1 : 0);
        assertThat(r.getSolutionTruncated()).isEqualTo(naturalSolution > s);
        assertThat(r.getThinkingText())
                .isEqualTo(SharedMesh.words("think", close.equals("no") ? t : Math.min(think, t)));
        assertThat(r.getSolutionText()).isEqualTo(SharedMesh.words("answer", Math.min(wordsBeforeDelimiter, s)));
        assertThat(r.getThinkingText() + r.getSolutionText())
                .doesNotContain("<think>")
                .doesNotContain("</th");
        assertThat(r.getBudget().getThinkingBudgetTokens()).isEqualTo(t);
        assertThat(r.getBudget().getSolutionBudgetTokens()).isEqualTo(s);
    }

    /** Thinking closed by one token, by two, or never. */
    @Provide
    Arbitrary<String> closings() {
        return Arbitraries.of("yes", "split", "no");
    }
}
