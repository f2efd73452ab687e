package io.elasticmesh.inference.triton;

import io.smallrye.mutiny.Multi;
import java.util.ArrayList;
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

    /** Deltas free of {@code stops}, then the scanned generation; cancelling the result cancels {@code chunks}. */
    public static Multi<PhaseEvent<ScannedGeneration>> scan(Multi<GenerationChunk> chunks, List<String> stops) {
        return Multi.createFrom().deferred(() -> {
            GenerationAccumulator accumulator = new GenerationAccumulator(System.nanoTime());
            StopScanner scanner = new StopScanner(stops);
            StringBuilder released = new StringBuilder();
            return chunks.onItem().transformToIterable(chunk -> {
                accumulator.add(chunk);
                String text = scanner.accept(chunk.textDelta());
                released.append(text);
                List<PhaseEvent<ScannedGeneration>> events = new ArrayList<>(2);
                if (!text.isEmpty() || chunk.outputTokens() > 0) {
                    events.add(new PhaseEvent.Delta<>(text, chunk.outputTokens()));
                }
                if (chunk.last()) {
                    events.add(new PhaseEvent.Done<>(new ScannedGeneration(accumulator.finish(), released.toString(),
                            scanner.matched(), scanner.heldBack())));
                }
                return events;
            });
        });
    }
}
