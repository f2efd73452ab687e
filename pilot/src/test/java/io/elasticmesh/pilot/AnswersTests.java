package io.elasticmesh.pilot;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.pilot.Plan.Grading;
import java.util.List;
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
    void exactMatchNormalizesTextDollarsSpacesAndCase() {
        assertThat(Grader.matches(Grading.EXACT, List.of("Evelyn"), "so \\boxed{\\text{evelyn}}"))
                .isTrue();
        assertThat(Grader.matches(Grading.EXACT, List.of("42"), "The answer is $42$."))
                .isTrue();
        assertThat(Grader.matches(Grading.EXACT, List.of("42"), "The answer is 43."))
                .isFalse();
        assertThat(Grader.matches(Grading.EXACT, List.of("1/2"), "\\boxed{0.5}"))
                .isFalse();
    }

    @Test
    void multipleChoiceTakesTheOneLetterNamed() {
        assertThat(Answers.choice("I think so.\nThe answer is (C)")).isEqualTo("C");
        assertThat(Answers.choice("\\boxed{B}")).isEqualTo("B");
        assertThat(Answers.choice("A or B")).isNull();
        assertThat(Grader.matches(Grading.CHOICE, List.of("C"), "Answer: C")).isTrue();
        assertThat(Grader.matches(Grading.CHOICE, List.of("C"), "Answer: D")).isFalse();
    }
}
