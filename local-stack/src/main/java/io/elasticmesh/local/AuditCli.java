package io.elasticmesh.local;

import com.google.protobuf.Timestamp;
import io.elasticmesh.proto.audit.v1.AuditEvent;
import io.elasticmesh.proto.audit.v1.AuditServiceGrpc;
import io.elasticmesh.proto.audit.v1.AuditServiceGrpc.AuditServiceBlockingStub;
import io.elasticmesh.proto.audit.v1.GetAuditEventRequest;
import io.elasticmesh.proto.audit.v1.GetAuditEventResponse;
import io.elasticmesh.proto.audit.v1.ListAuditEventsRequest;
import io.elasticmesh.proto.audit.v1.ListAuditEventsResponse;
import io.elasticmesh.proto.audit.v1.VerifyAuditChainRequest;
import io.elasticmesh.proto.audit.v1.VerifyAuditChainResponse;
import io.elasticmesh.proto.reasoning.v1.ChatMessage;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import io.elasticmesh.proto.reasoning.v1.TruncationReason;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./mesh audit …}: the compliance API of audit-service for people.
 *
 * <pre>
 * ./mesh audit list [--tenant T] [--tier T] [--model M] [--since 1h|2026-11-28T10:00:00Z] [--until …] [--cut-only]
 *                   [--reason token-budget|deadline|context-window] [--request-id ID] [--trace-id ID]
 *                   [--text WORDS] [--limit N]
 * ./mesh audit show REQUEST_ID
 * ./mesh audit verify --tenant T
 * </pre>
 *
 * audit-service is at MESH_AUDIT (default 127.0.0.1:9400); the API key is MESH_API_KEY (or --api-key), which
 * ./mesh sets to the local mesh's compliance key.
 */
public final class AuditCli {

    /** Largest reply read from audit-service, bytes: an event of the largest size and its chain link. */
    public static final int MAX_REPLY_BYTES = 16 << 20;

    private static final String USAGE = """
            usage: ./mesh audit list [--tenant T] [--tier T] [--model M] [--since 1h|ISO-8601] [--until 1h|ISO-8601]
                                     [--cut-only] [--reason token-budget|deadline|context-window]
                                     [--request-id ID] [--trace-id ID] [--text WORDS] [--limit N]
                   ./mesh audit show REQUEST_ID
                   ./mesh audit verify --tenant T
            options for all: --audit HOST:PORT (default $MESH_AUDIT or 127.0.0.1:9400), --api-key KEY ($MESH_API_KEY)
            """;

    private final PrintStream out;
    private final AuditServiceBlockingStub audit;

    public AuditCli(PrintStream out, AuditServiceBlockingStub audit) {
        this.out = out;
        this.audit = audit;
    }

    public static void main(String[] args) throws InterruptedException {
        Deque<String> rest = new ArrayDeque<>(List.of(args));
        String target = env("MESH_AUDIT", "127.0.0.1:9400");
        String apiKey = env("MESH_API_KEY", "");
        Deque<String> command = new ArrayDeque<>();
        while (!rest.isEmpty()) {
            String arg = rest.pop();
            if (rest.isEmpty() && (arg.equals("--audit") || arg.equals("--api-key"))) {
                System.exit(usage(arg + " needs a value"));
            }
            switch (arg) {
                case "--audit" -> target = rest.pop();
                case "--api-key" -> apiKey = rest.pop();
                default -> command.add(arg);
            }
        }
        // One audit event may be up to 8 MiB (README, "Sizes"), above gRPC's 4 MiB default for a reply.
        ManagedChannel channel = ManagedChannelBuilder.forTarget(target).usePlaintext()
                .maxInboundMessageSize(MAX_REPLY_BYTES).build();
        int status;
        try {
            AuditServiceBlockingStub stub = ApiKeys.attach(AuditServiceGrpc.newBlockingStub(channel), apiKey);
            status = new AuditCli(System.out, stub).run(command);
        } catch (IllegalArgumentException e) {
            status = usage(e.getMessage());
        } catch (StatusRuntimeException e) {
            System.err.println("mesh audit: " + e.getStatus().getCode() + ": " + e.getStatus().getDescription());
            status = 1;
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        System.exit(status);
    }

    private static int usage(String problem) {
        System.err.println("mesh audit: " + problem);
        System.err.print(USAGE);
        return 2;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static String value(Deque<String> args, String option) {
        if (args.isEmpty()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.pop();
    }

    /**
     * @return the exit status: 0 done, 1 the chain is broken
     * @throws IllegalArgumentException for a command line it does not understand
     */
    public int run(Deque<String> args) {
        if (args.isEmpty()) {
            throw new IllegalArgumentException("name a command: list, show or verify");
        }
        String command = args.pop();
        return switch (command) {
            case "list" -> list(args);
            case "show" -> show(args);
            case "verify" -> verify(args);
            default -> throw new IllegalArgumentException("unknown command '" + command + "'");
        };
    }

    private int list(Deque<String> args) {
        ListAuditEventsRequest.Builder request = ListAuditEventsRequest.newBuilder();
        int limit = 50;
        while (!args.isEmpty()) {
            String option = args.pop();
            switch (option) {
                case "--tenant" -> request.setTenant(value(args, option));
                case "--tier" -> request.setTier(value(args, option));
                case "--model" -> request.setModel(value(args, option));
                case "--since" -> request.setOccurredFrom(time(value(args, option), option));
                case "--until" -> request.setOccurredTo(time(value(args, option), option));
                case "--cut-only" -> request.setCutOnly(true);
                case "--reason" -> request.setTruncationReason(reason(value(args, option)));
                case "--request-id" -> request.setRequestId(value(args, option));
                case "--trace-id" -> request.setTraceId(value(args, option));
                case "--text" -> request.setThinkingContains(value(args, option));
                case "--limit" -> limit = positive(value(args, option), option);
                default -> throw new IllegalArgumentException("unknown option '" + option + "' for list");
            }
        }
        out.printf("%-24s  %-12s  %-10s  %-14s  %-5s  %-9s  %-36s  %s%n", "occurred_at", "tenant", "tier", "model",
                "cut", "thinking", "request_id", "thinking text");
        int shown = 0;
        String token = "";
        do {
            ListAuditEventsResponse page = audit.withDeadlineAfter(30, TimeUnit.SECONDS).listAuditEvents(
                    request.setPageSize(Math.min(500, limit - shown)).setPageToken(token).build());
            for (AuditEvent event : page.getEventsList()) {
                ReasonResponse r = event.getResponse();
                out.printf("%-24s  %-12s  %-10s  %-14s  %-5s  %4d/%-4d  %-36s  %s%n", instant(event.getOccurredAt()),
                        event.getTenant(), r.getBudget().getTier(), r.getBudget().getModel(),
                        r.getThinkingTruncated() ? "yes" : "no", r.getUsage().getThinkingTokens(),
                        r.getBudget().getThinkingBudgetTokens(), r.getRequestId(), excerpt(r.getThinkingText()));
                shown++;
            }
            token = page.getNextPageToken();
        } while (!token.isEmpty() && shown < limit);
        out.printf("%d event(s)%s%n", shown, token.isEmpty() ? "" : "; more match (raise --limit)");
        return 0;
    }

    private int show(Deque<String> args) {
        if (args.size() != 1) {
            throw new IllegalArgumentException("show takes one request id");
        }
        GetAuditEventResponse found = audit.withDeadlineAfter(30, TimeUnit.SECONDS)
                .getAuditEvent(GetAuditEventRequest.newBuilder().setRequestId(args.pop()).build());
        AuditEvent e = found.getEvent();
        ReasonResponse r = e.getResponse();
        out.printf("request      %s%nevent        %s%ntrace        %s%noccurred_at  %s%ntenant       %s%n",
                r.getRequestId(), e.getEventId(), e.getTraceId(), instant(e.getOccurredAt()), e.getTenant());
        out.printf("tier         %s (model %s, configuration %s)%n", r.getBudget().getTier(), r.getBudget().getModel(),
                r.getBudget().getConfigVersion().isEmpty() ? "-" : r.getBudget().getConfigVersion());
        out.printf("budgets      thinking %d (requested %s), solution %d (requested %s)%n",
                r.getBudget().getThinkingBudgetTokens(), e.getRequest().hasThinkingBudgetTokens()
                        ? e.getRequest().getThinkingBudgetTokens() : "tier's",
                r.getBudget().getSolutionBudgetTokens(), e.getRequest().hasSolutionBudgetTokens()
                        ? e.getRequest().getSolutionBudgetTokens() : "tier's");
        for (ChatMessage m : e.getRequest().getMessagesList()) {
            out.printf("%-12s %s%n", m.getRole().name().replace("ROLE_", "").toLowerCase(Locale.ROOT), m.getContent());
        }
        out.printf("thinking     %s%n", r.getThinkingText());
        out.printf("cut          %s%n", r.getThinkingTruncated() ? "yes, at " + r.getUsage().getThinkingTokens()
                + " tokens (" + r.getTruncationReason().name() + "), forced delimiters "
                + r.getUsage().getForcedDelimiters() : "no");
        out.printf("solution     %s%n", r.getSolutionText());
        out.printf("finish       %s after %d tokens%n", r.getSolutionFinishReason().name(),
                r.getUsage().getSolutionTokens());
        out.printf("timings      thinking %d ms, solution %d ms, total %d ms%n", r.getTimings().getThinkingMs(),
                r.getTimings().getSolutionMs(), r.getTimings().getTotalMs());
        out.printf("chain        link %d, hash %s (previous %s)%n", found.getLink().getPosition(),
                found.getLink().getHash(), found.getLink().getPrevHash());
        return 0;
    }

    private int verify(Deque<String> args) {
        if (args.size() != 2 || !args.pop().equals("--tenant")) {
            throw new IllegalArgumentException("verify takes --tenant T");
        }
        String tenant = args.pop();
        VerifyAuditChainResponse report = audit.withDeadlineAfter(5, TimeUnit.MINUTES)
                .verifyAuditChain(VerifyAuditChainRequest.newBuilder().setTenant(tenant).build());
        if (report.getIntact()) {
            out.printf("chain of tenant '%s' intact: %d link(s) checked, %d retired by retention, %s%n", tenant,
                    report.getLinksChecked(), report.getLinksRetired(), report.getAnchoredPosition() == 0
                            ? "not anchored outside the database yet"
                            : "matches its anchor at link " + report.getAnchoredPosition());
            return 0;
        }
        var broken = report.getFirstBreak();
        out.printf("chain of tenant '%s' BROKEN at link %d%s: %s (%d link(s) before it hold)%n", tenant,
                broken.getPosition(), broken.getRequestId().isEmpty() ? "" : " (request " + broken.getRequestId()
                        + ")", broken.getProblem(), report.getLinksChecked());
        return 1;
    }

    /** "1h", "30m", "2d" before now, or an ISO-8601 instant. */
    static Timestamp time(String text, String option) {
        Instant instant;
        if (text.matches("\\d+[smhd]")) {
            instant = Instant.now().minus(Duration.parse(text.endsWith("d")
                    ? "P" + text.toUpperCase(Locale.ROOT) : "PT" + text.toUpperCase(Locale.ROOT)));
        } else {
            try {
                instant = Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(option + " takes a duration before now (30m, 1h, 7d) or an "
                        + "ISO-8601 instant (2026-11-28T10:00:00Z), was '" + text + "'");
            }
        }
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    private static TruncationReason reason(String text) {
        return switch (text) {
            case "token-budget" -> TruncationReason.TRUNCATION_REASON_TOKEN_BUDGET;
            case "deadline" -> TruncationReason.TRUNCATION_REASON_DEADLINE;
            case "context-window" -> TruncationReason.TRUNCATION_REASON_CONTEXT_WINDOW;
            default -> throw new IllegalArgumentException("--reason takes token-budget, deadline or context-window, "
                    + "was '" + text + "'");
        };
    }

    private static int positive(String text, String option) {
        try {
            int value = Integer.parseInt(text);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " takes a whole number of at least 1, was '" + text + "'");
    }

    private static String instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).truncatedTo(ChronoUnit.MILLIS)
                .toString();
    }

    private static String excerpt(String text) {
        String line = text.strip().replaceAll("\\s+", " ");
        return line.length() <= 60 ? line : line.substring(0, 57) + "...";
    }
}
