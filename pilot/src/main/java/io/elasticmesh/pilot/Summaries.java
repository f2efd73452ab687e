package io.elasticmesh.pilot;

import io.elasticmesh.conversation.TokenPrice;
import io.elasticmesh.pilot.Grader.Grades;
import java.util.ArrayList;
import java.util.List;

/** The report's numbers per tier and budget point, from a run's outcomes and grades. */
public final class Summaries {

    private Summaries() {}

    /** Tier by tier, the plan's points in order and the baseline last. */
    public static List<PointSummary> of(Plan plan, List<Outcome> outcomes, Grades grades) {
        List<PointSummary> summaries = new ArrayList<>();
        for (String tier : plan.tiers()) {
            List<String> points = new ArrayList<>();
            plan.budgets().forEach(b -> points.add(b.label()));
            points.add(Task.BASELINE);
            PointSummary baseline = point(plan, tier, Task.BASELINE, outcomes, grades, null);
            for (String point : points.subList(0, points.size() - 1)) {
                summaries.add(point(plan, tier, point, outcomes, grades, baseline));
            }
            summaries.add(baseline);
        }
        return List.copyOf(summaries);
    }

    static PointSummary point(
            Plan plan, String tier, String point, List<Outcome> all, Grades grades, PointSummary baseline) {
        List<Outcome> mine = all.stream()
                .filter(o -> o.tier().equals(tier) && o.point().equals(point))
                .toList();
        List<Outcome> ok = mine.stream().filter(Outcome::ok).toList();
        long[] prompt = ok.stream().mapToLong(Outcome::promptTokens).toArray();
        long[] generated = ok.stream().mapToLong(Outcome::generatedTokens).toArray();
        long[] latency = ok.stream().mapToLong(Outcome::totalMs).toArray();
        List<Boolean> graded = mine.stream()
                .map(o -> grades.correct().get(o.key()))
                .filter(g -> g != null)
                .toList();
        Integer correct = graded.isEmpty()
                ? null
                : (int) graded.stream().filter(Boolean::booleanValue).count();
        Double accuracy = correct == null ? null : Stats.share(correct, graded.size());
        List<Boolean> agreeing = mine.stream()
                .map(o -> grades.agrees().get(o.key()))
                .filter(g -> g != null)
                .toList();
        boolean isBaseline = Task.BASELINE.equals(point);
        long agreed = agreeing.stream().filter(Boolean::booleanValue).count();
        Double agreement = isBaseline || agreeing.isEmpty() ? null : Stats.share(agreed, agreeing.size());
        Stats.Interval interval = correct != null
                ? Stats.wilson(correct, graded.size())
                : isBaseline ? Stats.wilson(mine.size(), mine.size()) : Stats.wilson(agreed, agreeing.size());
        String model = ok.isEmpty() ? null : ok.get(0).model();
        TokenPrice price = model == null ? null : plan.prices().get(model);
        double meanPrompt = Stats.mean(prompt);
        double meanGenerated = Stats.mean(generated);
        Double costPer1000 = price == null
                ? null
                : 1000 * (meanPrompt * price.promptPerMillion() + meanGenerated * price.generatedPerMillion()) / 1e6;
        // The baseline saves nothing against itself.
        Double tokensSaved = baseline == null
                ? Double.valueOf(0)
                : ok.isEmpty() || !baseline.answered() ? null : baseline.meanGeneratedTokens() - meanGenerated;
        Double baselineCost = baseline == null ? costPer1000 : baseline.costPer1000();
        Double costSaved = costPer1000 == null || baselineCost == null ? null : baselineCost - costPer1000;
        return new PointSummary(
                tier,
                point,
                isBaseline,
                model,
                ok.stream().mapToInt(Outcome::thinkingBudget).max().orElse(0),
                ok.stream().mapToInt(Outcome::solutionBudget).max().orElse(0),
                mine.size(),
                mine.size() - ok.size(),
                correct,
                accuracy,
                interval,
                agreement,
                meanPrompt,
                meanGenerated,
                Stats.percentile(latency, 0.50),
                Stats.percentile(latency, 0.95),
                Stats.share(mine.stream().filter(Outcome::metDeadline).count(), mine.size()),
                Stats.share(ok.stream().filter(Outcome::thinkingTruncated).count(), ok.size()),
                Stats.share(ok.stream().filter(Outcome::budgetLimited).count(), ok.size()),
                costPer1000,
                tokensSaved,
                costSaved);
    }
}
