package io.elasticmesh.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

class ShadowRuleTests {

    @Property
    void theSameRequestIdIsAlwaysDecidedAlikeAndAnUncutRequestNever(
            @ForAll @DoubleRange(min = 0, max = 1) double fraction, @ForAll String requestId) {
        ShadowRule rule = new ShadowRule(fraction, 4096);

        assertThat(rule.selects(requestId, true)).isEqualTo(new ShadowRule(fraction, 4096).selects(requestId, true));
        assertThat(rule.selects(requestId, false)).isFalse();
    }

    @Property
    void aLargerFractionShadowsEveryRequestASmallerOneDoes(
            @ForAll @DoubleRange(min = 0, max = 1) double smaller,
            @ForAll @DoubleRange(min = 0, max = 1) double larger,
            @ForAll String requestId) {
        ShadowRule small = new ShadowRule(Math.min(smaller, larger), 4096);
        ShadowRule large = new ShadowRule(Math.max(smaller, larger), 4096);

        assertThat(!small.selects(requestId, true) || large.selects(requestId, true))
                .isTrue();
    }

    @Property(tries = 20)
    void aboutTheFractionOfRequestsIsShadowedIndependentlyOfReview(
            @ForAll @DoubleRange(min = 0.1, max = 0.9) double fraction) {
        ShadowRule shadow = new ShadowRule(fraction, 4096);
        ReviewRule review = new ReviewRule(fraction);
        int n = 4000;
        String[] ids = IntStream.range(0, n)
                .mapToObj(i -> UUID.nameUUIDFromBytes(("r" + i).getBytes()).toString())
                .toArray(String[]::new);

        long shadowed =
                IntStream.range(0, n).filter(i -> shadow.selects(ids[i], true)).count();
        long both = IntStream.range(0, n)
                .filter(i -> shadow.selects(ids[i], true) && review.requires(ids[i], true))
                .count();

        // Binomial spread of 4000 draws is at most 0.008; 0.05 never fails by chance in practice.
        assertThat((double) shadowed / n).isBetween(fraction - 0.05, fraction + 0.05);
        assertThat((double) both / n).isBetween(fraction * fraction - 0.05, fraction * fraction + 0.05);
    }

    @Test
    void noneAndAllAreExact() {
        assertThat(ShadowRule.NONE.selects("any", true)).isFalse();
        assertThat(new ShadowRule(1, 8).selects("any", true)).isTrue();
    }

    @Test
    void aFractionOutsideZeroToOneIsRefusedNamingTheField() {
        assertThatThrownBy(() -> new ShadowRule(1.5, 8)).hasMessage("shadow.fraction must be 0 to 1, was 1.5");
        assertThatThrownBy(() -> new ShadowRule(Double.NaN, 8)).hasMessageContaining("shadow.fraction");
    }
}
