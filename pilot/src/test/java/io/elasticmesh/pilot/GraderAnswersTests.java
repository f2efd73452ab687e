package io.elasticmesh.pilot;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.conversation.Answers;
import io.elasticmesh.pilot.Plan.Grading;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pilot's graders over {@link Answers}. */
class GraderAnswersTests {

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
