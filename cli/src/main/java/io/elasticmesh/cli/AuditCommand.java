package io.elasticmesh.cli;

import com.google.protobuf.Timestamp;
import io.elasticmesh.proto.audit.v1.AuditEvent;
import io.elasticmesh.proto.audit.v1.AuditServiceGrpc;
import io.elasticmesh.proto.audit.v1.GetAuditEventRequest;
import io.elasticmesh.proto.audit.v1.GetAuditEventResponse;
import io.elasticmesh.proto.audit.v1.ListAuditEventsRequest;
import io.elasticmesh.proto.audit.v1.ListAuditEventsResponse;
import io.elasticmesh.proto.audit.v1.VerifyAuditChainRequest;
import io.elasticmesh.proto.audit.v1.VerifyAuditChainResponse;
import io.elasticmesh.proto.reasoning.v1.ChatMessage;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import io.elasticmesh.proto.reasoning.v1.TruncationReason;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code ./mesh audit list | show | verify | export | verify-export}: the compliance API of audit-service
 * (elastic.audit.v1.AuditService, ReviewService's export) for people. {@code verify} and {@code verify-export} exit 1
 * when a chain is broken.
 */
@Command(
        name = "audit",
        description = "Query and verify the audit trail (a compliance or auditor key).",
        synopsisSubcommandLabel = "(list | show | verify | export | verify-export)",
        subcommands = {
            AuditCommand.List.class,
            AuditCommand.Show.class,
            AuditCommand.Verify.class,
            AuditExport.Export.class,
            AuditExport.VerifyExport.class
        })
final class AuditCommand implements Runnable {

    @Spec
    private CommandSpec spec;

    @Mixin
    AuditOptions options;

    final Context context;

    AuditCommand(Context context) {
        this.context = context;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a command: list, show, verify, export or verify-export");
    }

    @Command(name = "list", description = "Audit events, newest stored first.")
    static final class List implements Callable<Integer> {

        @ParentCommand
        private AuditCommand audit;

        @Spec
        private CommandSpec spec;

        @Mixin
        private AuditFilterOptions filter;

        @Option(
                names = "--reason",
                paramLabel = "token-budget|deadline|context-window",
                converter = Reason.class,
                description = "why thinking was cut")
        private TruncationReason reason;

        @Option(names = "--request-id", paramLabel = "ID", description = "the event of this request")
        private String requestId;

        @Option(names = "--trace-id", paramLabel = "ID", description = "the events of this trace")
        private String traceId;

        @Option(names = "--text", paramLabel = "WORDS", description = "in the thinking, case-insensitive")
        private String text;

        @Option(
                names = "--limit",
                paramLabel = "N",
                defaultValue = "50",
                description = "at most N events (default: ${DEFAULT-VALUE})")
        private int limit;

        @Override
        public Integer call() throws InterruptedException {
            Arguments.positive(spec, "--limit", limit);
            ListAuditEventsRequest.Builder request =
                    ListAuditEventsRequest.newBuilder().setCutOnly(filter.cutOnly);
            filter.apply(
                    request::setTenant,
                    request::setTier,
                    request::setModel,
                    request::setOccurredFrom,
                    request::setOccurredTo);
            if (reason != null) {
                request.setTruncationReason(reason);
            }
            if (requestId != null) {
                request.setRequestId(requestId);
            }
            if (traceId != null) {
                request.setTraceId(traceId);
            }
            if (text != null) {
                request.setThinkingContains(text);
            }
            PrintWriter out = audit.context.out();
            out.printf(
                    "%-24s  %-12s  %-10s  %-14s  %-5s  %-9s  %-36s  %s%n",
                    "occurred_at", "tenant", "tier", "model", "cut", "thinking", "request_id", "thinking text");
            int shown = 0;
            String token = "";
            try (Connection connection = audit.options.connect()) {
                do {
                    ListAuditEventsResponse page = connection
                            .stub(AuditServiceGrpc::newBlockingStub)
                            .listAuditEvents(request.setPageSize(Math.min(500, limit - shown))
                                    .setPageToken(token)
                                    .build());
                    for (AuditEvent event : page.getEventsList()) {
                        ReasonResponse r = event.getResponse();
                        out.printf(
                                "%-24s  %-12s  %-10s  %-14s  %-5s  %4d/%-4d  %-36s  %s%n",
                                Timestamps.show(event.getOccurredAt()),
                                event.getTenant(),
                                r.getBudget().getTier(),
                                r.getBudget().getModel(),
                                r.getThinkingTruncated() ? "yes" : "no",
                                r.getUsage().getThinkingTokens(),
                                r.getBudget().getThinkingBudgetTokens(),
                                r.getRequestId(),
                                excerpt(r.getThinkingText()));
                        shown++;
                    }
                    token = page.getNextPageToken();
                } while (!token.isEmpty() && shown < limit);
            }
            out.printf("%d event(s)%s%n", shown, token.isEmpty() ? "" : "; more match (raise --limit)");
            return 0;
        }

        private static String excerpt(String text) {
            String line = text.strip().replaceAll("\\s+", " ");
            return line.length() <= 60 ? line : line.substring(0, 57) + "...";
        }
    }

    @Command(name = "show", description = "One event in full, with its chain link.")
    static final class Show implements Callable<Integer> {

        @ParentCommand
        private AuditCommand audit;

        @Parameters(paramLabel = "REQUEST_ID", description = "the request the event records")
        private String requestId;

        @Override
        public Integer call() throws InterruptedException {
            GetAuditEventResponse found;
            try (Connection connection = audit.options.connect()) {
                found = connection
                        .stub(AuditServiceGrpc::newBlockingStub)
                        .getAuditEvent(GetAuditEventRequest.newBuilder()
                                .setRequestId(requestId)
                                .build());
            }
            PrintWriter out = audit.context.out();
            AuditEvent e = found.getEvent();
            ReasonResponse r = e.getResponse();
            out.printf(
                    "request      %s%nevent        %s%ntrace        %s%noccurred_at  %s%ntenant       %s%n",
                    r.getRequestId(),
                    e.getEventId(),
                    e.getTraceId(),
                    Timestamps.show(e.getOccurredAt()),
                    e.getTenant());
            out.printf(
                    "tier         %s (model %s, configuration %s)%n",
                    r.getBudget().getTier(),
                    r.getBudget().getModel(),
                    r.getBudget().getConfigVersion().isEmpty()
                            ? "-"
                            : r.getBudget().getConfigVersion());
            out.printf(
                    "budgets      thinking %d (requested %s), solution %d (requested %s)%n",
                    r.getBudget().getThinkingBudgetTokens(),
                    e.getRequest().hasThinkingBudgetTokens() ? e.getRequest().getThinkingBudgetTokens() : "tier's",
                    r.getBudget().getSolutionBudgetTokens(),
                    e.getRequest().hasSolutionBudgetTokens() ? e.getRequest().getSolutionBudgetTokens() : "tier's");
            for (ChatMessage m : e.getRequest().getMessagesList()) {
                out.printf(
                        "%-12s %s%n", m.getRole().name().replace("ROLE_", "").toLowerCase(Locale.ROOT), m.getContent());
            }
            out.printf("thinking     %s%n", r.getThinkingText());
            out.printf(
                    "cut          %s%n",
                    r.getThinkingTruncated()
                            ? "yes, at " + r.getUsage().getThinkingTokens()
                                    + " tokens (" + r.getTruncationReason().name() + "), forced delimiters "
                                    + r.getUsage().getForcedDelimiters()
                            : "no");
            out.printf("solution     %s%n", r.getSolutionText());
            out.printf(
                    "finish       %s after %d tokens%n",
                    r.getSolutionFinishReason().name(), r.getUsage().getSolutionTokens());
            out.printf(
                    "timings      thinking %d ms, solution %d ms, total %d ms%n",
                    r.getTimings().getThinkingMs(),
                    r.getTimings().getSolutionMs(),
                    r.getTimings().getTotalMs());
            out.printf(
                    "chain        link %d, hash %s (previous %s)%n",
                    found.getLink().getPosition(),
                    found.getLink().getHash(),
                    found.getLink().getPrevHash());
            return 0;
        }
    }

    @Command(
            name = "verify",
            description = "Walk a tenant's hash chain; exit 1 and the first broken link when it " + "does not hold.")
    static final class Verify implements Callable<Integer> {

        @ParentCommand
        private AuditCommand audit;

        @Option(names = "--tenant", paramLabel = "T", required = true, description = "whose chain")
        private String tenant;

        @Override
        public Integer call() throws InterruptedException {
            VerifyAuditChainResponse report;
            try (Connection connection = audit.options.connect()) {
                report = connection
                        .stub(AuditServiceGrpc::newBlockingStub)
                        .verifyAuditChain(VerifyAuditChainRequest.newBuilder()
                                .setTenant(tenant)
                                .build());
            }
            PrintWriter out = audit.context.out();
            if (report.getIntact()) {
                out.printf(
                        "chain of tenant '%s' intact: %d link(s) checked, %d retired by retention, %s%n",
                        tenant,
                        report.getLinksChecked(),
                        report.getLinksRetired(),
                        report.getAnchoredPosition() == 0
                                ? "not anchored outside the database yet"
                                : "matches its anchor at link " + report.getAnchoredPosition());
                if (report.getVerdictLinksChecked() > 0) {
                    out.printf(
                            "review chain of tenant '%s' intact: %d verdict(s) checked%n",
                            tenant, report.getVerdictLinksChecked());
                }
                return 0;
            }
            var broken = report.getFirstBreak();
            boolean verdicts = broken.getChain().equals("verdicts");
            out.printf(
                    "%s of tenant '%s' BROKEN at %s %d%s: %s (%d link(s) before it hold)%n",
                    verdicts ? "review chain" : "chain",
                    tenant,
                    verdicts ? "verdict link" : "link",
                    broken.getPosition(),
                    broken.getRequestId().isEmpty() ? "" : " (request " + broken.getRequestId() + ")",
                    broken.getProblem(),
                    verdicts ? report.getVerdictLinksChecked() : report.getLinksChecked());
            return 1;
        }
    }

    /** "1h", "30m", "2d" before now, or an ISO-8601 instant. */
    static final class Time implements ITypeConverter<Timestamp> {

        @Override
        public Timestamp convert(String text) {
            try {
                return Timestamps.of(Instant.parse(text));
            } catch (DateTimeParseException notAnInstant) {
                try {
                    return Timestamps.of(Instant.now().minus(Durations.parse(text)));
                } catch (IllegalArgumentException e) {
                    throw new TypeConversionException("takes a duration before now (30m, 1h, 7d) or an ISO-8601 "
                            + "instant (2026-11-28T10:00:00Z), was '" + text + "'");
                }
            }
        }
    }

    static final class Reason implements ITypeConverter<TruncationReason> {

        @Override
        public TruncationReason convert(String text) {
            return switch (text) {
                case "token-budget" -> TruncationReason.TRUNCATION_REASON_TOKEN_BUDGET;
                case "deadline" -> TruncationReason.TRUNCATION_REASON_DEADLINE;
                case "context-window" -> TruncationReason.TRUNCATION_REASON_CONTEXT_WINDOW;
                default ->
                    throw new TypeConversionException(
                            "takes token-budget, deadline or context-window, was '" + text + "'");
            };
        }
    }
}
