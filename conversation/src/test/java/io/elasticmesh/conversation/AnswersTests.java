package io.elasticmesh.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AnswersTests {

    @Test
    void theLastBalancedBoxIsTheAnswer() {
        assertThat(Answers.lastBoxed("a \\boxed{1} b \\boxed{\\frac{1}{2}} c")).isEqualTo("\\frac{1}{2}");
        assertThat(Answers.lastBoxed("no box")).isNull();
        assertThat(Answers.lastBoxed("cut \\boxed{\\frac{1}{")).isNull();
        assertThat(Answers.finalAnswer("work\n\nThe answer is 42.\n")).isEqualTo("The answer is 42.");
        assertThat(Answers.finalAnswer("")).isEmpty();
    }

    @Test
    void twoSolutionsAgreeWhenTheirNormalizedFinalAnswersMatchAndNeitherIsBlank() {
        assertThat(Answers.agree("so \\boxed{\\text{Evelyn}}", "work\nThe answer is $evelyn$."))
                .isTrue();
        assertThat(Answers.agree("\\boxed{42}", "\\boxed{43}")).isFalse();
        assertThat(Answers.agree("", "")).isFalse();
        assertThat(Answers.agree("The answer is.", "the answer is")).isFalse();
    }
}
