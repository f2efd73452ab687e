package io.elasticmesh.pilot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RecommendationTests {

    private static PointSummary point(String name, int correct, int n, double tokens) {
        return point(name, correct, n, 0, tokens);
    }

    private static PointSummary point(String name, int correct, int n, int failed, double tokens) {
        return new PointSummary(
                "gold",
                name,
                name.equals(Task.BASELINE),
                "m",
                0,
                0,
                n,
                failed,
                correct,
                (double) correct / n,
                Stats.wilson(correct, n),
                null,
                10,
                tokens,
                0,
                0,
                1,
                0,
                0,
                null,
                0.0,
                null);
    }

    @Test
    void theCheapestPointWithinTheMarginOfTheBestIsChosen() {
        List<PointSummary> points = List.of(
                point("t=512", 100, 1000, 300),
                point("t=1024", 380, 1000, 900),
                point("t=2048", 400, 1000, 1800),
                point(Task.BASELINE, 410, 1000, 4000));

        Recommendation r = Recommendation.of("gold", points, 0.05);

        // best 41.0%; floor 36.0%: t=1024 (38.0%) is the cheapest above it
        assertThat(r.point()).isEqualTo("t=1024");
        assertThat(r.best()).isEqualTo(Task.BASELINE);
        assertThat(r.quality()).isEqualTo(0.38);
        // 380/1000 ≈ [0.350, 0.411] overlaps 400/1000 and 410/1000, not 100/1000 ≈ [0.083, 0.120]
        assertThat(r.indistinguishable()).containsExactly("t=2048", Task.BASELINE);
        assertThat(r.warning()).contains("cannot separate t=1024 from t=2048, baseline");
    }

    @Test
    void withAZeroMarginOnlyTheBestQualifiesAndClearDataGivesNoWarning() {
        List<PointSummary> points = List.of(point("t=16", 0, 30, 16), point(Task.BASELINE, 30, 30, 64));

        Recommendation r = Recommendation.of("gold", points, 0.0);

        assertThat(r.point()).isEqualTo(Task.BASELINE);
        assertThat(r.warning()).isNull();
    }

    @Test
    void aPointWhoseEveryCallFailedIsNeverTheCheapest() {
        // every t=16 call ran out of time: 0 tokens, 0 right, but within a 50-point margin of the best (25%)
        List<PointSummary> points = List.of(point("t=16", 0, 4, 4, 0), point(Task.BASELINE, 1, 4, 2, 59));

        assertThat(Recommendation.of("gold", points, 0.5).point()).isEqualTo(Task.BASELINE);
    }

    @Test
    void ofEquallyGoodPointsTheCheaperWins() {
        List<PointSummary> points = List.of(point("a", 5, 10, 50), point("b", 5, 10, 20));

        assertThat(Recommendation.of("gold", points, 0.0).point()).isEqualTo("b");
    }
}
