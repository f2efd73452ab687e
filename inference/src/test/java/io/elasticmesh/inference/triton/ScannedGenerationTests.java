package io.elasticmesh.inference.triton;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.conversation.PhaseEvent;
import io.smallrye.mutiny.Multi;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Scanning a streamed generation: dropped delimiters, and a time limit that moves with the tokens. */
class ScannedGenerationTests {

    private final AtomicBoolean cancelled = new AtomicBoolean();

    /** An endless thinking stream, "think1 ", "think2 ", …; cancelling it is recorded. */
    private Multi<GenerationChunk> endless() {
        return Multi.createFrom()
                .range(1, Integer.MAX_VALUE)
                .map(i -> new GenerationChunk("think" + i + " ", 1, 7, null, false))
                .onCancellation()
                .invoke(() -> cancelled.set(true));
    }

    private static ScannedGeneration result(Multi<PhaseEvent<ScannedGeneration>> events) {
        return PhaseEvent.resultOf(events).await().atMost(Duration.ofSeconds(10));
    }

    @Test
    void aLimitThatComesDueAsTokensArriveCutsTheStreamThereAndCancelsIt() {
        // Due once three tokens have arrived, as a reserve at an observed speed would be.
        TimeLimit limit = (start, first, tokens, now) -> tokens >= 3 ? now : Long.MAX_VALUE;

        ScannedGeneration r = result(ScannedGeneration.scan(endless(), List.of("</think>"), List.of(), limit));

        assertThat(r.generation().finishReason()).isEqualTo(Generation.Finish.TIME_LIMIT);
        assertThat(r.generation().outputTokens()).isEqualTo(3);
        assertThat(r.text()).isEqualTo("think1 think2 think3 ");
        assertThat(cancelled).isTrue();
    }

    @Test
    void aLimitAlreadyDueEndsTheStreamBeforeAnyToken() {
        ScannedGeneration r = result(ScannedGeneration.scan(
                Multi.createFrom().<GenerationChunk>nothing().onCancellation().invoke(() -> cancelled.set(true)),
                List.of(),
                List.of(),
                TimeLimit.at(0)));

        assertThat(r.generation().finishReason()).isEqualTo(Generation.Finish.TIME_LIMIT);
        assertThat(r.generation().outputTokens()).isZero();
        assertThat(cancelled).isTrue();
    }

    @Test
    void aReopenedThinkingDelimiterIsDroppedFromDeltasAndTextButItsTokensCount() {
        Multi<GenerationChunk> chunks = Multi.createFrom()
                .items(
                        new GenerationChunk("<think", 1, 7, null, false),
                        new GenerationChunk(">", 1, 7, null, false),
                        new GenerationChunk("red ", 1, 7, null, false),
                        new GenerationChunk("</think>", 1, 7, "stop", true));

        List<PhaseEvent<ScannedGeneration>> events = ScannedGeneration.scan(
                        chunks, List.of("</think>"), List.of("<think>"), null)
                .collect()
                .asList()
                .await()
                .atMost(Duration.ofSeconds(10));

        assertThat(events)
                .filteredOn(e -> e instanceof PhaseEvent.Delta<?>)
                .extracting(e -> ((PhaseEvent.Delta<?>) e).text())
                .containsExactly("", "", "red ", "");
        ScannedGeneration r = ((PhaseEvent.Done<ScannedGeneration>) events.get(events.size() - 1)).result();
        assertThat(r.text()).isEqualTo("red ");
        assertThat(r.generation().outputTokens()).isEqualTo(4);
        assertThat(r.stop()).contains("</think>");
    }
}
