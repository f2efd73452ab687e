package io.elasticmesh.pilot;

import java.util.Comparator;
import java.util.List;

/**
 * The budget to give a tier: the cheapest point whose quality (accuracy, else agreement with the baseline) is
 * within {@code margin} of the best point's, with a plain warning naming the points whose 95% intervals overlap its
 * own, which the data cannot tell apart from it.
 *
 * @param point the recommended point's label
 * @param indistinguishable other points whose interval overlaps the recommended one's
 */
public record Recommendation(
        String tier,
        String point,
        double quality,
        Stats.Interval interval,
        String best,
        double bestQuality,
        List<String> indistinguishable,
        String warning) {

    /** @param points one tier's points, the baseline included; at least one */
    public static Recommendation of(String tier, List<PointSummary> points, double margin) {
        PointSummary best = points.stream()
                .max(Comparator.comparingDouble(PointSummary::quality)
                        .thenComparing(
                                Comparator.comparingDouble(PointSummary::spend).reversed()))
                .orElseThrow();
        // A hair of tolerance: margins are written in decimal and 0.1 is not exact in binary.
        double floor = best.quality() - margin - 1e-12;
        // A point whose every call failed costs nothing and answers nothing: never the cheapest good one.
        PointSummary chosen = points.stream()
                .filter(p -> p.quality() >= floor && (p.answered() || p == best))
                .min(Comparator.comparingDouble(PointSummary::spend).thenComparing(PointSummary::point))
                .orElseThrow();
        List<String> overlapping = points.stream()
                .filter(p -> p != chosen && p.interval().overlaps(chosen.interval()))
                .map(PointSummary::point)
                .toList();
        String warning = overlapping.isEmpty()
                ? null
                : "the data cannot separate " + chosen.point() + " from " + String.join(", ", overlapping)
                        + ": their 95% intervals overlap; more items or samples would";
        return new Recommendation(
                tier,
                chosen.point(),
                chosen.quality(),
                chosen.interval(),
                best.point(),
                best.quality(),
                overlapping,
                warning);
    }
}
