package io.elasticmesh.pilot;

/**
 * One budget point of one tier, over every item and sample.
 *
 * @param requests outcomes of the point, failed calls included (a failure is a wrong answer)
 * @param correct right answers; null when no item had a reference answer
 * @param accuracy correct / requests
 * @param interval the 95% Wilson interval of the quality (accuracy, else agreement)
 * @param agreement share of (item, sample) whose answer is equivalent to the baseline's; null for the baseline
 * @param meanGeneratedTokens thinking + solution tokens per answered request
 * @param deadlineAttainment share of requests answered within the tier's deadline
 * @param truncationRate share of answered requests whose thinking was cut at its budget
 * @param budgetLimitedShare share of answered requests whose answer hit s or was empty
 * @param costPer1000 cost of 1,000 answers at the mean usage, in the price table's currency; null without a price
 * @param tokensSaved mean generated tokens saved per answer against the baseline (negative: spent more); null when
 *     the point or the baseline answered nothing
 * @param costSavedPer1000 against the baseline, per 1,000 answers; null without a price
 */
public record PointSummary(
        String tier,
        String point,
        boolean baseline,
        String model,
        int thinkingBudget,
        int solutionBudget,
        int requests,
        int failed,
        Integer correct,
        Double accuracy,
        Stats.Interval interval,
        Double agreement,
        double meanPromptTokens,
        double meanGeneratedTokens,
        long latencyP50Ms,
        long latencyP95Ms,
        double deadlineAttainment,
        double truncationRate,
        double budgetLimitedShare,
        Double costPer1000,
        Double tokensSaved,
        Double costSavedPer1000) {

    /** What the recommendation compares: accuracy where there are references, else agreement with the baseline. */
    public double quality() {
        if (accuracy != null) {
            return accuracy;
        }
        return baseline ? 1.0 : agreement == null ? 0 : agreement;
    }

    /** At least one request was answered: a point whose every call failed has no cost to compare. */
    public boolean answered() {
        return requests > failed;
    }

    /** What the recommendation minimises: cost when priced, else generated tokens. */
    public double spend() {
        return costPer1000 != null ? costPer1000 : meanGeneratedTokens;
    }
}
