package io.elasticmesh.inference.triton;

import io.elasticmesh.conversation.PhaseEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.smallrye.mutiny.subscription.MultiSubscriber;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A generation whose text was scanned for stop strings as it streamed.
 *
 * @param generation the backend's account: token counts, finish reason, first-token time
 * @param text every released delta, joined: the text up to the first stop string, without it and without any
 *     dropped string
 * @param stop the stop string that ended the text, if any
 * @param heldBack trailing text never released because it is a proper prefix of a stop or dropped string
 */
public record ScannedGeneration(Generation generation, String text, Optional<String> stop, String heldBack) {

    /**
     * Deltas free of {@code stops} and {@code dropped}, then the scanned generation; cancelling the result cancels
     * {@code chunks}.
     *
     * @param dropped strings removed from the text wherever the model writes them (their tokens still count)
     * @param timeLimit when not null, {@code chunks} is cancelled when it comes due and the generation ends as far
     *     as it got ({@link Generation.Finish#TIME_LIMIT})
     */
    public static Multi<PhaseEvent<ScannedGeneration>> scan(
            Multi<GenerationChunk> chunks, List<String> stops, List<String> dropped, TimeLimit timeLimit) {
        return Multi.createFrom().deferred(() -> {
            long start = System.nanoTime();
            GenerationAccumulator accumulator = new GenerationAccumulator(start);
            StopScanner scanner = new StopScanner(stops, dropped);
            StringBuilder released = new StringBuilder();
            Multi<GenerationChunk> timed = timeLimit == null
                    ? chunks
                    : Multi.createFrom().emitter(emitter -> new TimedChunks(chunks, timeLimit, start, emitter));
            Multi<PhaseEvent<ScannedGeneration>> deltas = timed.onItem().transformToIterable(chunk -> {
                accumulator.add(chunk);
                String text = scanner.accept(chunk.textDelta());
                released.append(text);
                return text.isEmpty() && chunk.outputTokens() == 0
                        ? List.of()
                        : List.of(new PhaseEvent.Delta<>(text, chunk.outputTokens()));
            });
            Multi<PhaseEvent<ScannedGeneration>> end = Multi.createFrom()
                    .item(() -> new PhaseEvent.Done<>(new ScannedGeneration(
                            timeLimit == null ? accumulator.finish() : accumulator.finishCut(),
                            released.toString(),
                            scanner.matched(),
                            scanner.heldBack())));
            return Multi.createBy().concatenating().streams(deltas, end);
        });
    }

    /**
     * Passes chunks on until the time limit comes due, then cancels them and completes. The limit is asked again at
     * every chunk, and a timer wakes at the limit it last gave (to ask again: a stall may have moved it).
     */
    private static final class TimedChunks implements MultiSubscriber<GenerationChunk> {

        private final TimeLimit limit;
        private final long startNanos;
        private final MultiEmitter<? super GenerationChunk> emitter;
        private Flow.Subscription upstream;
        private long firstTokenNanos;
        private int tokens;
        private ScheduledFuture<?> timer;
        private boolean done;

        TimedChunks(
                Multi<GenerationChunk> chunks,
                TimeLimit limit,
                long startNanos,
                MultiEmitter<? super GenerationChunk> emitter) {
            this.limit = limit;
            this.startNanos = startNanos;
            this.emitter = emitter;
            emitter.onTermination(this::stop);
            chunks.subscribe().withSubscriber(this);
        }

        @Override
        public synchronized void onSubscribe(Flow.Subscription subscription) {
            upstream = subscription;
            check();
            if (!done) {
                subscription.request(Long.MAX_VALUE);
            }
        }

        @Override
        public synchronized void onItem(GenerationChunk chunk) {
            if (done) {
                return;
            }
            if (tokens == 0 && chunk.outputTokens() > 0) {
                firstTokenNanos = System.nanoTime();
            }
            tokens += chunk.outputTokens();
            emitter.emit(chunk);
            check();
        }

        @Override
        public synchronized void onFailure(Throwable failure) {
            if (!done) {
                done = true;
                cancelTimer();
                emitter.fail(failure);
            }
        }

        @Override
        public synchronized void onCompletion() {
            if (!done) {
                done = true;
                cancelTimer();
                emitter.complete();
            }
        }

        /** Completes (cancelling the chunks) when the limit is due; otherwise sets the timer to the limit. */
        private synchronized void check() {
            if (done) {
                return;
            }
            long now = System.nanoTime();
            long stopAt = limit.stopAtNanos(startNanos, firstTokenNanos, tokens, now);
            cancelTimer();
            if (now >= stopAt) {
                done = true;
                upstream.cancel();
                emitter.complete();
                return;
            }
            timer = Infrastructure.getDefaultWorkerPool().schedule(this::check, stopAt - now, TimeUnit.NANOSECONDS);
        }

        /** The consumer cancelled, or the stream ended: nothing more is wanted from upstream. */
        private synchronized void stop() {
            cancelTimer();
            if (!done) {
                done = true;
                if (upstream != null) {
                    upstream.cancel();
                }
            }
        }

        private void cancelTimer() {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
        }
    }
}
