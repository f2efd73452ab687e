package io.elasticmesh.inference.triton;

import java.util.concurrent.TimeUnit;

/** Folds streamed chunks into one {@link Generation}. */
final class GenerationAccumulator {

    private final long startNanos;
    private final StringBuilder text = new StringBuilder();
    private int inputTokens;
    private int outputTokens;
    private String finishReason;
    private boolean sawFinal;
    private long firstTokenMillis;

    GenerationAccumulator(long startNanos) {
        this.startNanos = startNanos;
    }

    void add(GenerationChunk chunk) {
        if (outputTokens == 0 && chunk.outputTokens() > 0) {
            firstTokenMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        }
        text.append(chunk.textDelta());
        outputTokens += chunk.outputTokens();
        if (chunk.inputTokens() >= 0) {
            inputTokens = chunk.inputTokens();
        }
        if (chunk.finishReason() != null) {
            finishReason = chunk.finishReason();
        }
        sawFinal |= chunk.last();
    }

    /** What was generated when the caller's time limit cut the stream; a stream that ended first finishes normally. */
    Generation finishCut() {
        return sawFinal
                ? finish()
                : new Generation(
                        text.toString(), inputTokens, outputTokens, Generation.Finish.TIME_LIMIT, firstTokenMillis);
    }

    Generation finish() {
        if (!sawFinal) {
            throw new TritonModelException("Triton closed the stream before the final response");
        }
        return new Generation(
                text.toString(),
                inputTokens,
                outputTokens,
                Generation.Finish.fromBackend(finishReason),
                firstTokenMillis);
    }
}
