package io.elasticmesh.audit.console;

import io.elasticmesh.audit.ReviewCounts;
import io.elasticmesh.audit.ReviewHistory;
import io.elasticmesh.audit.ReviewItem;
import io.elasticmesh.audit.Rubric;
import io.elasticmesh.audit.StoredEvent;
import io.elasticmesh.audit.StoredVerdict;
import io.elasticmesh.audit.mapping.AuditEventMapper;
import io.elasticmesh.auditchain.LinkHash;
import io.elasticmesh.proto.audit.v1.AuditEvent;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import io.quarkus.qute.TemplateData;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

/**
 * What the console's pages show, as plain text fields: the templates escape every one of them (HTML is the
 * templates' content type), and never evaluate them, so a conversation holding markup or template syntax is shown as
 * the text it is.
 */
final class Views {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private Views() {}

    /** The signed-in person, shown in every page's header. */
    @TemplateData
    record Person(String name, String tenant, String roles, boolean mayJudge, boolean mayExport) {}

    /** The queue's filters as sent, to fill the form again and to build the next page's and the export's links. */
    @TemplateData
    record Filters(
            String tenant,
            String tier,
            String model,
            String reason,
            String from,
            String to,
            String state,
            String order,
            boolean required,
            String query) {}

    @TemplateData
    record Row(
            String requestId,
            String tenant,
            String tier,
            String model,
            String reason,
            String thinking,
            String occurredAt,
            String state,
            String claimedBy,
            String verdict) {}

    @TemplateData
    record Queue(
            Person person,
            Filters filters,
            List<Row> rows,
            ReviewCounts counts,
            String nextPage,
            List<String> reasons,
            List<String> states) {}

    @TemplateData
    record Message(String role, String content) {}

    @TemplateData
    record Verdict(String reviewer, String verdict, String comment, String recordedAt, long position, String hash) {}

    /** A continuation made from the item, as its history lists it. */
    @TemplateData
    record ContinuedAs(String requestId, String occurredAt, boolean cut) {}

    @TemplateData
    record Item(
            Person person,
            String requestId,
            String tenant,
            String tier,
            String model,
            String configVersion,
            String occurredAt,
            String traceId,
            String traceUrl,
            List<Message> conversation,
            String thinking,
            boolean cut,
            String cutReason,
            int thinkingTokens,
            int thinkingBudget,
            int forcedDelimiters,
            String answer,
            String finish,
            int solutionTokens,
            int solutionBudget,
            int thinkingMs,
            int solutionMs,
            int totalMs,
            String continuedFrom,
            String reviewRule,
            long position,
            String prevHash,
            String hash,
            boolean linkHolds,
            String state,
            String claim,
            List<Verdict> verdicts,
            List<ContinuedAs> continuations,
            List<Rubric.Value> rubric) {}

    /** An earlier reply and its continuation, side by side. */
    @TemplateData
    record Continuation(
            Person person,
            String requestId,
            int extra,
            String earlierThinking,
            String earlierAnswer,
            String earlierCut,
            String newRequestId,
            String newThinking,
            String newAnswer,
            String newCut) {}

    static Continuation continuation(Person person, StoredEvent earlier, ReasonResponse reply, int extra) {
        ReasonResponse before = AuditEventMapper.parse(earlier.payload()).getResponse();
        return new Continuation(
                person,
                before.getRequestId(),
                extra,
                before.getThinkingText(),
                before.getSolutionText(),
                cutSummary(before),
                reply.getRequestId(),
                reply.getThinkingText(),
                reply.getSolutionText(),
                cutSummary(reply));
    }

    private static String cutSummary(ReasonResponse response) {
        String used = response.getUsage().getThinkingTokens() + " of "
                + response.getBudget().getThinkingBudgetTokens() + " thinking tokens";
        return response.getThinkingTruncated() ? "cut (" + reason(response) + "), " + used : "not cut, " + used;
    }

    @TemplateData
    record CutDay(String tier, String day, long audited, long cut, long percent) {}

    @TemplateData
    record Backlog(String tier, long items, String oldest, String age) {}

    @TemplateData
    record Overview(
            Person person,
            String tenant,
            List<CutDay> days,
            List<Backlog> backlog,
            List<io.elasticmesh.audit.ReviewOverview.Verdicts> verdicts) {}

    static Overview overview(Person person, String tenant, io.elasticmesh.audit.ReviewOverview overview, Instant now) {
        return new Overview(
                person,
                tenant,
                overview.days().stream()
                        .map(d -> new CutDay(
                                d.tier(),
                                d.day().toString(),
                                d.audited(),
                                d.cut(),
                                d.audited() == 0 ? 0 : Math.round(100.0 * d.cut() / d.audited())))
                        .toList(),
                overview.backlog().stream()
                        .map(b -> new Backlog(b.tier(), b.items(), time(b.oldest()), age(b.oldest(), now)))
                        .toList(),
                overview.verdicts());
    }

    private static String age(Instant oldest, Instant now) {
        java.time.Duration age = java.time.Duration.between(oldest, now);
        if (age.toDays() > 0) {
            return age.toDays() + " d " + age.toHoursPart() + " h";
        }
        return age.toHours() > 0 ? age.toHours() + " h " + age.toMinutesPart() + " min" : age.toMinutes() + " min";
    }

    static Row row(ReviewItem item) {
        AuditEvent event = AuditEventMapper.parse(item.event().payload());
        ReasonResponse response = event.getResponse();
        return new Row(
                response.getRequestId(),
                event.getTenant(),
                response.getBudget().getTier(),
                response.getBudget().getModel(),
                response.getThinkingTruncated() ? reason(response) : "not cut",
                response.getUsage().getThinkingTokens() + " / "
                        + response.getBudget().getThinkingBudgetTokens(),
                time(AuditEventMapper.toInstant(event.getOccurredAt())),
                item.state().name(),
                item.claim().map(c -> c.reviewer()).orElse(""),
                item.latestVerdict().map(v -> v.verdict().verdict()).orElse(""));
    }

    static Item item(
            Person person, StoredEvent stored, ReviewHistory history, Rubric rubric, Optional<String> traceViewerUrl) {
        AuditEvent event = AuditEventMapper.parse(stored.payload());
        ReasonResponse response = event.getResponse();
        var budget = response.getBudget();
        var usage = response.getUsage();
        var timings = response.getTimings();
        return new Item(
                person,
                response.getRequestId(),
                event.getTenant(),
                budget.getTier(),
                budget.getModel(),
                budget.getConfigVersion(),
                time(AuditEventMapper.toInstant(event.getOccurredAt())),
                event.getTraceId(),
                event.getTraceId().isEmpty()
                        ? ""
                        : traceViewerUrl
                                .map(url -> url.replace("{traceId}", event.getTraceId()))
                                .orElse(""),
                event.getRequest().getMessagesList().stream()
                        .map(m -> new Message(role(m.getRole().name()), m.getContent()))
                        .toList(),
                response.getThinkingText(),
                response.getThinkingTruncated(),
                reason(response),
                usage.getThinkingTokens(),
                budget.getThinkingBudgetTokens(),
                usage.getForcedDelimiters(),
                response.getSolutionText(),
                finish(response),
                usage.getSolutionTokens(),
                budget.getSolutionBudgetTokens(),
                timings.getThinkingMs(),
                timings.getSolutionMs(),
                timings.getTotalMs(),
                event.getContinuedRequestId(),
                event.getReview().getRule(),
                stored.position(),
                stored.prevHash(),
                stored.hash(),
                // This event's own link: its hash recomputed from the previous hash and the bytes stored.
                LinkHash.of(stored.prevHash(), stored.payload()).equals(stored.hash()),
                history.state().name(),
                history.claim()
                        .map(c -> c.reviewer() + " until " + time(c.expiresAt()))
                        .orElse(""),
                history.verdicts().stream().map(Views::verdict).toList(),
                history.continuations().stream()
                        .map(c -> new ContinuedAs(c.requestId(), time(c.occurredAt()), c.thinkingCut()))
                        .toList(),
                rubric.values());
    }

    private static Verdict verdict(StoredVerdict stored) {
        var v = stored.verdict();
        return new Verdict(
                v.reviewer(), v.verdict(), v.comment(), time(v.recordedAt()), stored.position(), stored.hash());
    }

    private static String reason(ReasonResponse response) {
        return response.getTruncationReason().name().replace("TRUNCATION_REASON_", "");
    }

    private static String finish(ReasonResponse response) {
        String finish = response.getSolutionFinishReason().name().replace("FINISH_REASON_", "");
        if (response.getSolutionEmpty()) {
            return finish + " (empty answer)";
        }
        return response.getSolutionTruncated() ? finish + " (answer cut at its budget)" : finish;
    }

    private static String role(String name) {
        return name.replace("ROLE_", "").toLowerCase(java.util.Locale.ROOT);
    }

    static String time(Instant instant) {
        return TIME.format(instant);
    }
}
