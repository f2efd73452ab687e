package io.elasticmesh.audit;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * What ops tune budgets with: per tier, how many audited requests were cut per day, the review backlog and its age,
 * and the verdicts recorded.
 */
public record ReviewOverview(List<Day> days, List<Backlog> backlog, List<Verdicts> verdicts) {

    /** One tier's audited requests on one day (UTC), and how many of them were cut. */
    public record Day(String tier, LocalDate day, long audited, long cut) {}

    /** One tier's items without a verdict, and when the oldest of them occurred. */
    public record Backlog(String tier, long items, Instant oldest) {}

    /** How often one verdict was recorded on one tier's items. */
    public record Verdicts(String tier, String verdict, long count) {}
}
