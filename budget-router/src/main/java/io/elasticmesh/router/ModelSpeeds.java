package io.elasticmesh.router;

import io.elasticmesh.router.DeadlineSplit.ModelSpeed;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Collectors;

/**
 * The live decode speed of each model and the measured cost of its solution phase, as exponential moving averages
 * over finished requests (and, for the speed, over requests that failed after thinking). It sets the queue's wait
 * limit and the thinking phase's first share of the deadline; the decoder then follows the speed each request
 * itself shows (decoder_service.proto solution_overhead_ms), so a change of speed is followed at once. A model not
 * yet measured has the configured initial speed, and its first measurement is smoothed into it like any other: a
 * cold first request (JIT, new channels) must not set a reserve so large that every later request of its tiers has
 * no time left to think.
 *
 * <p>Router replicas publish what they measured and a replica seeds a model it has not measured yet from the speed
 * published last ({@link ReplicaStore}), so a new replica starts from the mesh's speed, not the configured one.
 */
public final class ModelSpeeds {

    private final ModelSpeed initial;
    private final double smoothing;
    private final ConcurrentMap<String, ModelSpeed> speeds = new ConcurrentHashMap<>();
    /** Models this router measured itself: only their speeds are published. */
    private final Set<String> measured = ConcurrentHashMap.newKeySet();

    /** @param smoothing weight of the newest measurement, 0..1 */
    public ModelSpeeds(ModelSpeed initial, double smoothing) {
        this.initial = initial;
        this.smoothing = smoothing;
    }

    public ModelSpeed of(String model) {
        return speeds.getOrDefault(model, initial);
    }

    /** Takes another replica's speed for a model this router has no speed of yet. */
    public void seed(String model, ModelSpeed speed) {
        speeds.putIfAbsent(model, speed);
    }

    /** The speeds of the models this router measured itself. */
    public Map<String, ModelSpeed> measured() {
        return measured.stream()
                .filter(speeds::containsKey)
                .collect(Collectors.toUnmodifiableMap(model -> model, speeds::get));
    }

    /**
     * Learns from one finished request. Decode speed comes from thinking (tokens after the first, over the time
     * after the first token), the overhead from what the solution phase took beyond its tokens at that speed.
     */
    public void observe(
            String model, ThinkingPhase thinking, long thinkingMillis, SolutionPhase solution, long solutionMillis) {
        measured.add(model);
        speeds.compute(model, (m, old) -> {
            ModelSpeed current = withThinking(model, old == null ? initial : old, thinking, thinkingMillis);
            double overhead = Math.max(0, solutionMillis - solution.tokens() * current.millisPerToken());
            return new ModelSpeed(current.millisPerToken(), smooth(current.solutionOverheadMillis(), overhead));
        });
    }

    /**
     * Learns the decode speed from a thinking phase whose request then failed (its answer missed the deadline,
     * say): a failure after thinking still shows how fast the model runs, so the tier does not keep failing on an
     * estimate that no request corrects.
     */
    public void observeThinking(String model, ThinkingPhase thinking, long thinkingMillis) {
        speeds.compute(model, (m, old) -> withThinking(model, old == null ? initial : old, thinking, thinkingMillis));
    }

    private ModelSpeed withThinking(String model, ModelSpeed current, ThinkingPhase thinking, long thinkingMillis) {
        if (thinking.tokens() < 2 || thinkingMillis <= thinking.firstTokenMillis()) {
            return current;
        }
        measured.add(model);
        double perToken = (double) (thinkingMillis - thinking.firstTokenMillis()) / (thinking.tokens() - 1);
        return new ModelSpeed(smooth(current.millisPerToken(), perToken), current.solutionOverheadMillis());
    }

    private double smooth(double old, double measured) {
        return old + smoothing * (measured - old);
    }
}
