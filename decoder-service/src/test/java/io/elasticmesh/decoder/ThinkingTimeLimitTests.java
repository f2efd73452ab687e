package io.elasticmesh.decoder;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** Deadline-elastic thinking at the speed the phase itself shows. */
class ThinkingTimeLimitTests {

    private static final long MS = 1_000_000L;

    /** The case: the router measured a fast model (~70 ms reserved), the model now takes 50 ms a token. */
    @Test
    void aModelThatSlowedDownEndsThinkingEarlyEnoughForItsAnswerAtTheNewSpeed() {
        long start = 0;
        long deadline = 2_000 * MS;
        ThinkingTimeLimit limit = new ThinkingTimeLimit(1_930 * MS, deadline, 8, 20, 1.5);

        // First token at 100 ms, the fifth at 300 ms: 50 ms per token.
        long stopAt = limit.stopAtNanos(start, 100 * MS, 5, 300 * MS);

        // The answer's 8 tokens at 50 ms plus 20 ms overhead, times 1.5: 630 ms kept.
        assertThat(deadline - stopAt).isEqualTo(630 * MS);
        assertThat(stopAt).isLessThan(1_930 * MS);
    }

    @Test
    void beforeTwoTokensTheCallersShareApplies() {
        ThinkingTimeLimit limit = new ThinkingTimeLimit(1_500 * MS, 3_000 * MS, 8, 20, 1.5);

        assertThat(limit.stopAtNanos(0, 0, 0, 10 * MS)).isEqualTo(1_500 * MS);
        assertThat(limit.stopAtNanos(0, 50 * MS, 1, 60 * MS)).isEqualTo(1_500 * MS);
    }

    /** Once the speed is seen, the time left at the stop is at least what the whole answer needs at that speed. */
    @Property
    void theAnswerAlwaysKeepsItsWholeReserveAtTheObservedSpeed(
            @ForAll @LongRange(min = 0, max = 600_000) long deadlineMs,
            @ForAll @IntRange(min = 1, max = 4_096) int solutionTokens,
            @ForAll @DoubleRange(min = 0, max = 5_000) double overheadMs,
            @ForAll @DoubleRange(min = 0, max = 3) double safety,
            @ForAll @LongRange(min = 0, max = 60_000) long firstTokenMs,
            @ForAll @IntRange(min = 2, max = 10_000) int tokens,
            @ForAll @LongRange(min = 0, max = 600_000) long sinceFirstMs) {
        ThinkingTimeLimit limit =
                new ThinkingTimeLimit(Long.MAX_VALUE, deadlineMs * MS, solutionTokens, overheadMs, safety);
        long now = (firstTokenMs + sinceFirstMs) * MS;
        double perTokenNanos = (double) sinceFirstMs * MS / (tokens - 1);

        long stopAt = limit.stopAtNanos(0, firstTokenMs * MS, tokens, now);

        double needed = (overheadMs * MS + solutionTokens * perTokenNanos) * Math.max(1, safety);
        assertThat((double) (deadlineMs * MS - stopAt)).isGreaterThanOrEqualTo(needed);
    }

    /** Slower tokens, a longer answer or a stall never move the stop later; a later deadline never earlier. */
    @Property
    void slowerAndLongerStopEarlierAndMoreTimeStopsLater(
            @ForAll @IntRange(min = 1, max = 1_000) int solutionTokens,
            @ForAll @IntRange(min = 0, max = 1_000) int moreTokens,
            @ForAll @IntRange(min = 2, max = 1_000) int tokens,
            @ForAll @LongRange(min = 0, max = 100_000) long sinceFirstMs,
            @ForAll @LongRange(min = 0, max = 100_000) long laterMs) {
        long deadline = 200_000 * MS;
        ThinkingTimeLimit limit = new ThinkingTimeLimit(Long.MAX_VALUE, deadline, solutionTokens, 50, 1.5);
        long base = limit.stopAtNanos(0, 0, tokens, sinceFirstMs * MS);

        // The same tokens over more time (a stall, or a slower model).
        assertThat(limit.stopAtNanos(0, 0, tokens, (sinceFirstMs + laterMs) * MS))
                .isLessThanOrEqualTo(base);
        assertThat(new ThinkingTimeLimit(Long.MAX_VALUE, deadline, solutionTokens + moreTokens, 50, 1.5)
                        .stopAtNanos(0, 0, tokens, sinceFirstMs * MS))
                .isLessThanOrEqualTo(base);
        assertThat(new ThinkingTimeLimit(Long.MAX_VALUE, deadline + laterMs * MS, solutionTokens, 50, 1.5)
                        .stopAtNanos(0, 0, tokens, sinceFirstMs * MS))
                .isGreaterThanOrEqualTo(base);
    }
}
