package io.elasticmesh.inference.triton;

import io.smallrye.mutiny.Multi;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A generation whose text was scanned for stop strings as it streamed.
 *
 * @param generation the backend's account: token counts, finish reason, first-token time
 * @param text every released delta, joined: the text up to the first stop string, without it
 * @param stop the stop string that ended the text, if any
 * @param heldBack trailing text never released because it is a proper prefix of a stop string
 */
public record ScannedGeneration(Generation generation, String text, Optional<String> stop, String heldBack) {

    /**
     * Deltas free of {@code stops}, then the scanned generation; cancelling the result cancels {@code chunks}.
     *
     * @param timeLimit when not null, {@code chunks} is cancelled after this long and the generation ends as far as
     *     it got ({@link Generation.Finish#TIME_LIMIT})
     */
    public static Multi<PhaseEvent<ScannedGeneration>> scan(Multi<GenerationChunk> chunks, List<String> stops,
            Duration timeLimit) {
        return Multi.createFrom().deferred(() -> {
            GenerationAccumulator accumulator = new GenerationAccumulator(System.nanoTime());
            StopScanner scanner = new StopScanner(stops);
            StringBuilder released = new StringBuilder();
            Multi<PhaseEvent<ScannedGeneration>> deltas = (timeLimit == null ? chunks : chunks.select().first(timeLimit))
                    .onItem().transformToIterable(chunk -> {
                        accumulator.add(chunk);
                        String text = scanner.accept(chunk.textDelta());
                        released.append(text);
                        return text.isEmpty() && chunk.outputTokens() == 0 ? List.of()
                                : List.of(new PhaseEvent.Delta<>(text, chunk.outputTokens()));
                    });
            Multi<PhaseEvent<ScannedGeneration>> end = Multi.createFrom().item(() -> new PhaseEvent.Done<>(
                    new ScannedGeneration(timeLimit == null ? accumulator.finish() : accumulator.finishCut(),
                            released.toString(), scanner.matched(), scanner.heldBack())));
            return Multi.createBy().concatenating().streams(deltas, end);
        });
    }
}
