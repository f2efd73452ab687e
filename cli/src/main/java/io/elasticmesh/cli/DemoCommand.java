package io.elasticmesh.cli;

import io.elasticmesh.proto.audit.v1.AuditEvent;
import io.elasticmesh.proto.audit.v1.AuditServiceGrpc;
import io.elasticmesh.proto.reasoning.v1.BudgetRouterGrpc;
import io.elasticmesh.proto.reasoning.v1.ChatMessage;
import io.elasticmesh.proto.reasoning.v1.ReasonRequest;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./mesh demo}: two real requests through the router, printed for a person. The first runs on the tier's
 * budgets; the second lowers the thinking budget until it is cut, and its audit record is read back from
 * audit-service after travelling through Kafka.
 */
@Command(
        name = "demo",
        description = "Two requests through the router, the second cut and read back from the " + "audit trail.")
final class DemoCommand implements Callable<Integer> {

    /** How long the cut request's audit event may take through the router's spool, Kafka and audit-service. */
    private static final Duration AUDIT_ARRIVAL = Duration.ofSeconds(30);

    private final Context context;

    @Mixin
    private RouterOptions router;

    @Mixin
    private TenantOption tenant;

    @Option(
            names = "--audit",
            paramLabel = "HOST:PORT",
            description =
                    "audit-service's gRPC endpoint (default: "
                            + "$MESH_AUDIT, else the local mesh's); its key is $MESH_API_KEY, else the local mesh's compliance key")
    private String audit;

    @Option(
            names = "--tier",
            paramLabel = "TIER",
            defaultValue = "standard",
            description = "SLA tier (default: ${DEFAULT-VALUE})")
    private String tier;

    @Parameters(
            paramLabel = "QUESTION",
            arity = "0..1",
            defaultValue = "What is the capital of France?",
            description = "the user's message (default: ${DEFAULT-VALUE})")
    private String question;

    DemoCommand(Context context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = context.out();
        ReasonRequest.Builder request = ReasonRequest.newBuilder()
                .setTier(tier)
                .setTenant(tenant.tenant(router))
                .addMessages(ChatMessage.newBuilder()
                        .setRole(ChatMessage.Role.ROLE_USER)
                        .setContent(question));
        out.printf("question  %s%n%n", question);
        ReasonResponse cut;
        try (Connection connection = router.connect()) {
            print(out, connection.stub(BudgetRouterGrpc::newBlockingStub).reason(request.build()));
            cut = connection
                    .stub(BudgetRouterGrpc::newBlockingStub)
                    .reason(request.setThinkingBudgetTokens(4).build());
            print(out, cut);
        }
        AuditEvent event;
        try (Connection connection = AuditOptions.connect(context, audit, null, AUDIT_ARRIVAL)) {
            event = AuditEvents.await(
                    connection.stub(AuditServiceGrpc::newBlockingStub), cut.getRequestId(), AUDIT_ARRIVAL);
        }
        out.printf(
                "audit     event %s via Kafka: tenant=%s tier=%s thinking cut at %d of %d tokens%n",
                event.getEventId(),
                event.getTenant(),
                event.getRequest().getTier(),
                event.getResponse().getUsage().getThinkingTokens(),
                event.getResponse().getBudget().getThinkingBudgetTokens());
        return 0;
    }

    private static void print(PrintWriter out, ReasonResponse r) {
        out.printf(
                "request   %s (tier %s, model %s, t=%d, s=%d)%n",
                r.getRequestId(),
                r.getBudget().getTier(),
                r.getBudget().getModel(),
                r.getBudget().getThinkingBudgetTokens(),
                r.getBudget().getSolutionBudgetTokens());
        out.printf("thinking  %s%n", r.getThinkingText().strip());
        out.printf("solution  %s%n", r.getSolutionText().strip());
        out.printf(
                "usage     prompt=%d thinking=%d forced_delimiters=%d solution=%d tokens%n",
                r.getUsage().getPromptTokens(),
                r.getUsage().getThinkingTokens(),
                r.getUsage().getForcedDelimiters(),
                r.getUsage().getSolutionTokens());
        out.printf(
                "outcome   thinking_truncated=%s solution_finish=%s%n",
                r.getThinkingTruncated(), r.getSolutionFinishReason());
        out.printf(
                "timings   thinking=%d ms solution=%d ms total=%d ms%n%n",
                r.getTimings().getThinkingMs(),
                r.getTimings().getSolutionMs(),
                r.getTimings().getTotalMs());
        out.flush();
    }
}
