package io.elasticmesh.pilot;

import io.elasticmesh.conversation.Answers;
import io.elasticmesh.pilot.Plan.Grading;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Grades a run's answers: against the item's reference answers (any one counts) with its dataset's grader, and
 * against the baseline's answer to the same item and sample (agreement). Only the solution text is read; the
 * thinking is not even kept.
 */
public final class Grader {

    private final MathVerify mathVerify;

    /** Right or not, and agreeing with the baseline or not, per outcome key (absent: not gradable). */
    public record Grades(Map<String, Boolean> correct, Map<String, Boolean> agrees) {}

    public Grader(MathVerify mathVerify) {
        this.mathVerify = mathVerify;
    }

    public Grades grade(Map<String, Item> items, Map<String, Grading> gradingByDataset, List<Outcome> outcomes) {
        Map<String, Boolean> correct = new HashMap<>();
        Map<String, Boolean> agrees = new HashMap<>();
        List<MathVerify.Pair> pairs = new ArrayList<>();
        List<Pending> pending = new ArrayList<>();
        Map<String, Outcome> baselines = new HashMap<>();
        for (Outcome o : outcomes) {
            if (o.point().equals(Task.BASELINE)) {
                baselines.put(o.item() + "|" + o.tier() + "|" + o.sample(), o);
            }
        }
        for (Outcome o : outcomes) {
            Item item = items.get(o.item());
            if (item == null) {
                continue; // from an earlier run of a plan with more items
            }
            Grading grading = gradingByDataset.get(item.dataset());
            String answer = o.ok() ? Objects.requireNonNullElse(o.solution(), "") : "";
            if (grading != Grading.NONE) {
                if (!o.ok() || answer.isBlank()) {
                    correct.put(o.key(), false);
                } else if (grading == Grading.MATH) {
                    int from = pairs.size();
                    item.answers().forEach(gold -> pairs.add(new MathVerify.Pair(gold, true, answer)));
                    pending.add(new Pending(correct, o.key(), from, pairs.size()));
                } else {
                    correct.put(o.key(), matches(grading, item.answers(), answer));
                }
            }
            Outcome base = baselines.get(o.item() + "|" + o.tier() + "|" + o.sample());
            if (o.point().equals(Task.BASELINE) || base == null) {
                continue;
            }
            String reference = base.ok() ? Objects.requireNonNullElse(base.solution(), "") : "";
            if (answer.isBlank() || reference.isBlank()) {
                agrees.put(o.key(), false);
            } else if (grading == Grading.MATH || grading == Grading.NONE && looksLikeMath(reference)) {
                pending.add(new Pending(agrees, o.key(), pairs.size(), pairs.size() + 1));
                pairs.add(new MathVerify.Pair(reference, false, answer));
            } else if (grading == Grading.CHOICE) {
                agrees.put(o.key(), Objects.equals(Answers.choice(reference), Answers.choice(answer)));
            } else {
                agrees.put(o.key(), Answers.agree(reference, answer));
            }
        }
        List<Boolean> verdicts = mathVerify.equal(pairs);
        for (Pending p : pending) {
            p.into().put(p.key(), verdicts.subList(p.from(), p.to()).contains(true));
        }
        return new Grades(Map.copyOf(correct), Map.copyOf(agrees));
    }

    /** Math-Verify pairs [from, to) decide {@code key} in {@code into}: true when any is equal. */
    private record Pending(Map<String, Boolean> into, String key, int from, int to) {}

    /** A user's prompts without a grader: math when the baseline answered in a box. */
    private static boolean looksLikeMath(String solution) {
        return Answers.lastBoxed(solution) != null;
    }

    static boolean matches(Grading grading, List<String> golds, String answer) {
        if (grading == Grading.CHOICE) {
            String letter = Answers.choice(answer);
            return letter != null && golds.stream().anyMatch(g -> letter.equals(Answers.choice(g)));
        }
        String mine = Answers.normalize(Answers.finalAnswer(answer));
        return golds.stream().anyMatch(g -> Answers.normalize(g).equals(mine));
    }
}
