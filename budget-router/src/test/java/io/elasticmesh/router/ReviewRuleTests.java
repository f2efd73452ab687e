package io.elasticmesh.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import java.util.UUID;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

class ReviewRuleTests {

    private static final int IDS = 10_000;

    @Provide
    Arbitrary<ReviewRule> rules() {
        return Arbitraries.oneOf(
                Arbitraries.of(ReviewRule.NONE, ReviewRule.ALL_CUT),
                Arbitraries.doubles().between(0, false, 1, true).map(ReviewRule::new));
    }

    @Provide
    Arbitrary<String> requestIds() {
        return Arbitraries.randomValue(random -> new UUID(random.nextLong(), random.nextLong()).toString());
    }

    @Property(tries = 50)
    void aSampleSelectsItsFractionOfTheCutRequests(
            @ForAll @DoubleRange(min = 0.01, max = 1) double fraction, @ForAll Random random) {
        ReviewRule rule = ReviewRule.parse("sample " + fraction);

        long selected = IntStream.range(0, IDS)
                .filter(i -> rule.requires(new UUID(random.nextLong(), random.nextLong()).toString(), true))
                .count();

        // Five standard deviations of a binomial share at n = 10,000 are at most 0.025.
        assertThat((double) selected / IDS).isCloseTo(fraction, within(0.025));
    }

    @Property
    void theSameRequestIdGetsTheSameDecisionFromAnyReplicaReadingTheSameRule(
            @ForAll("rules") ReviewRule rule, @ForAll("requestIds") String requestId, @ForAll boolean cut) {
        ReviewRule elsewhere = ReviewRule.parse(rule.toString());

        assertThat(elsewhere.requires(requestId, cut)).isEqualTo(rule.requires(requestId, cut));
    }

    @Property
    void allCutSelectsExactlyTheCutRequestsAndNoneSelectsNothing(
            @ForAll("requestIds") String requestId, @ForAll boolean cut) {
        assertThat(ReviewRule.ALL_CUT.requires(requestId, cut)).isEqualTo(cut);
        assertThat(ReviewRule.NONE.requires(requestId, cut)).isFalse();
    }

    @Property
    void aRequestWhoseThinkingWasNotCutIsNeverSelected(
            @ForAll("rules") ReviewRule rule, @ForAll("requestIds") String requestId) {
        assertThat(rule.requires(requestId, false)).isFalse();
    }

    @Property
    void raisingTheFractionKeepsEveryRequestAlreadySelected(
            @ForAll @DoubleRange(min = 0.01, max = 1) double low,
            @ForAll @DoubleRange(min = 0.01, max = 1) double high,
            @ForAll("requestIds") String requestId) {
        ReviewRule smaller = new ReviewRule(Math.min(low, high));
        ReviewRule larger = new ReviewRule(Math.max(low, high));

        if (smaller.requires(requestId, true)) {
            assertThat(larger.requires(requestId, true)).isTrue();
        }
    }

    @Property
    void everyRequestSelectedForReviewIsAuditedWhateverTheTiersAuditMode(
            @ForAll("rules") ReviewRule rule,
            @ForAll AuditMode audit,
            @ForAll("requestIds") String requestId,
            @ForAll boolean cut) {
        if (rule.requires(requestId, cut)) {
            assertThat(audit.covers(cut)).isTrue();
        }
    }

    @Property
    void aFractionAboveOneOrNotAboveZeroIsRefusedEchoingTheText(
            @ForAll @DoubleRange(min = -10, max = 10) double fraction) {
        String text = "sample " + fraction;
        if (fraction > 0 && fraction <= 1) {
            assertThat(ReviewRule.parse(text).fraction()).isEqualTo(fraction);
        } else {
            assertThatThrownBy(() -> ReviewRule.parse(text))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("must be 'none', 'sample <fraction>' with 0 < fraction <= 1, or 'all-cut', was '" + text
                            + "'");
        }
    }

    @Test
    void theTierFileFormsReadBackAsWritten() {
        assertThat(ReviewRule.parse("none")).isEqualTo(ReviewRule.NONE).hasToString("none");
        assertThat(ReviewRule.parse("all-cut")).isEqualTo(ReviewRule.ALL_CUT).hasToString("all-cut");
        assertThat(ReviewRule.parse("sample 0.25")).hasToString("sample 0.25");
        assertThat(ReviewRule.parse("sample 0.0001")).hasToString("sample 0.0001");
        assertThat(ReviewRule.parse("sample 1")).isEqualTo(ReviewRule.ALL_CUT);
    }

    @Test
    void otherTextIsRefused() {
        for (String text :
                new String[] {"all", "sample", "sample 25%", "sample NaN", "sample 1e-3", "Sample 0.5", ""}) {
            assertThatThrownBy(() -> ReviewRule.parse(text)).hasMessageEndingWith("was '" + text + "'");
        }
    }
}
