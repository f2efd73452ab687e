package io.elasticmesh.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import io.elasticmesh.proto.reasoning.v1.TokenUsage;
import org.junit.jupiter.api.Test;

class BudgetInvariantsTests {

    private static final BudgetInvariants.Behaviour NEVER_CLOSES = new BudgetInvariants.Behaviour(5, "no", 3, -1);
    private static final BudgetInvariants.Behaviour CLOSES_AT_SIX = new BudgetInvariants.Behaviour(5, "yes", 3, -1);

    private static ReasonResponse reply(int thinking, int forced, boolean cut, int solution, String answer) {
        return ReasonResponse.newBuilder()
                .setThinkingTruncated(cut)
                .setThinkingText("think1 ")
                .setSolutionText(answer)
                .setUsage(TokenUsage.newBuilder()
                        .setThinkingTokens(thinking)
                        .setForcedDelimiters(forced)
                        .setSolutionTokens(solution))
                .build();
    }

    @Test
    void aCutAtTheBudgetWithOneForcedDelimiterKeepsEveryInvariant() {
        assertThat(BudgetInvariants.violations(NEVER_CLOSES, 4, 8, reply(4, 1, true, 4, "answer1 ")))
                .isEmpty();
    }

    @Test
    void thinkingThatClosedWithinTheBudgetIsNotCut() {
        assertThat(BudgetInvariants.violations(CLOSES_AT_SIX, 6, 8, reply(6, 0, false, 4, "answer1 ")))
                .isEmpty();
        assertThat(BudgetInvariants.violations(CLOSES_AT_SIX, 6, 8, reply(6, 1, true, 4, "answer1 ")))
                .containsExactly(BudgetInvariants.CUT_IFF_T_REACHED);
    }

    @Test
    void tokensOverEitherBudgetAreViolations() {
        assertThat(BudgetInvariants.violations(NEVER_CLOSES, 4, 3, reply(5, 1, true, 4, "answer1 ")))
                .contains(BudgetInvariants.THINKING_WITHIN_T, BudgetInvariants.SOLUTION_WITHIN_S);
    }

    @Test
    void twoForcedDelimitersAreAViolation() {
        assertThat(BudgetInvariants.violations(NEVER_CLOSES, 4, 8, reply(4, 2, true, 4, "answer1 ")))
                .contains(BudgetInvariants.FORCED_AT_MOST_ONE);
    }

    @Test
    void aDelimiterInTheAnswerIsAViolation() {
        assertThat(BudgetInvariants.violations(NEVER_CLOSES, 4, 8, reply(4, 1, true, 4, "answer1 <think>")))
                .containsExactly(BudgetInvariants.NO_DELIMITER_IN_TEXT);
    }
}
