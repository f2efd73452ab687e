package io.elasticmesh.pilot;

import io.elasticmesh.pilot.Plan.Budget;
import java.util.ArrayList;
import java.util.List;

/** Every request a plan makes, in a stable order: item by item, so a cut run has whole items where it can. */
public final class Tasks {

    private Tasks() {}

    public static List<Task> of(Plan plan, List<Item> items) {
        List<Task> tasks = new ArrayList<>();
        for (Item item : items) {
            for (String tier : plan.tiers()) {
                for (int sample = 0; sample < plan.samples(); sample++) {
                    long seed = plan.seed() + sample;
                    for (Budget budget : plan.budgets()) {
                        tasks.add(new Task(item, tier, budget.label(), budget, sample, seed));
                    }
                    tasks.add(new Task(item, tier, Task.BASELINE, plan.baseline(), sample, seed));
                }
            }
        }
        return List.copyOf(tasks);
    }
}
