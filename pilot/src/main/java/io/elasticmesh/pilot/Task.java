package io.elasticmesh.pilot;

import io.elasticmesh.pilot.Plan.Budget;

/**
 * One request of the pilot: an item, a tier, a budget point and a sample number.
 *
 * @param point the budget's label, or {@value #BASELINE}
 */
public record Task(Item item, String tier, String point, Budget budget, int sample, long seed) {

    public static final String BASELINE = "baseline";

    public boolean baseline() {
        return BASELINE.equals(point);
    }

    /** What the results file is keyed by: a task with this key is never sent again. */
    public String key() {
        return item.key() + "|" + tier + "|" + point + "|" + sample;
    }
}
