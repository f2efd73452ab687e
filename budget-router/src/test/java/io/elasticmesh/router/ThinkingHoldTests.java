package io.elasticmesh.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.conversation.ThinkingCut;
import io.elasticmesh.conversation.Turn;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class ThinkingHoldTests {

    /** One answered request: its conversation's length in characters, and whether its thinking was cut. */
    record Answer(int chars, boolean cut) {}

    @Provide
    Arbitrary<List<Answer>> answers() {
        return Arbitraries.integers()
                .between(0, 40_000)
                .flatMap(chars -> Arbitraries.of(true, true, false).map(cut -> new Answer(chars, cut)))
                .list()
                .ofMaxSize(200);
    }

    @Property(tries = 200)
    void theHoldStaysWithinItsCountAndBytesAndKeepsTheNewestThatFit(
            @ForAll("answers") List<Answer> answers,
            @ForAll @IntRange(min = 1, max = 30) int maxRequests,
            @ForAll @LongRange(min = 0, max = 300_000) long maxBytes) {
        ThinkingHold hold = new ThinkingHold(Duration.ofMinutes(10), maxRequests, maxBytes, () -> 0);
        List<String> holdable = new ArrayList<>();

        for (int i = 0; i < answers.size(); i++) {
            ReasonResult result = result("r" + i, answers.get(i));
            hold.keep(result);
            boolean fits = answers.get(i).cut() && ThinkingHold.bytes(result) <= maxBytes;
            if (fits) {
                holdable.add(result.requestId());
            }
            assertThat(hold.find(result.requestId()).isPresent()).isEqualTo(fits);
            assertThat(hold.heldBytes()).isLessThanOrEqualTo(maxBytes);
            // The oldest go first: what is held is the newest of what could be, as many as the bounds allow.
            List<String> held =
                    holdable.stream().filter(id -> hold.find(id).isPresent()).toList();
            assertThat(held).hasSizeLessThanOrEqualTo(maxRequests);
            assertThat(held).isEqualTo(holdable.subList(holdable.size() - held.size(), holdable.size()));
            assertThat(hold.heldBytes())
                    .isEqualTo(held.stream()
                            .mapToLong(id -> ThinkingHold.bytes(hold.find(id).orElseThrow()))
                            .sum());
        }
    }

    @Test
    void aRequestLargerThanTheWholeHoldIsNotHeldAndDropsNothing() {
        ThinkingHold hold = new ThinkingHold(Duration.ofMinutes(10), 100, 1 << 20, () -> 0);
        hold.keep(result("small", new Answer(1_000, true)));

        hold.keep(result("huge", new Answer(4 << 20, true)));

        assertThat(hold.find("huge")).isEmpty();
        assertThat(hold.find("small")).isPresent();
    }

    @Test
    void expiredRequestsGiveTheirBytesBack() {
        AtomicLong now = new AtomicLong();
        ThinkingHold hold = new ThinkingHold(Duration.ofSeconds(10), 100, 1 << 20, now::get);
        hold.keep(result("a", new Answer(10_000, true)));
        // The texts at two bytes a character: 10,000 of the conversation, 20 of prompt, thinking and answer.
        assertThat(hold.heldBytes()).isEqualTo(ThinkingHold.OVERHEAD_BYTES + 2 * 10_020);

        now.addAndGet(Duration.ofSeconds(10).toNanos());

        assertThat(hold.find("a")).isEmpty();
        assertThat(hold.heldBytes()).isZero();
    }

    private static ReasonResult result(String requestId, Answer answer) {
        return new ReasonResult(
                requestId,
                Instant.EPOCH,
                "acme",
                null,
                null,
                0,
                List.of(new Turn(Turn.Role.USER, "x".repeat(answer.chars()))),
                new ThinkingPhase(
                        "prompt",
                        "thinking",
                        false,
                        answer.cut() ? ThinkingCut.TOKEN_BUDGET : ThinkingCut.NONE,
                        1,
                        1,
                        0,
                        1),
                new SolutionPhase("answer", 1, 0, false, false, 0),
                null,
                "v1",
                null,
                null,
                Optional.empty());
    }
}
