package io.elasticmesh.cli;

import io.elasticmesh.proto.reasoning.v1.BudgetRouterGrpc;
import io.elasticmesh.proto.reasoning.v1.ChatMessage;
import io.elasticmesh.proto.reasoning.v1.ReasonRequest;
import io.elasticmesh.proto.reasoning.v1.StreamReasonRequest;
import io.elasticmesh.proto.reasoning.v1.StreamReasonResponse;
import io.grpc.StatusRuntimeException;
import java.util.Iterator;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ./mesh reason "question"}: BudgetRouter.StreamReason, printed as it arrives. */
@Command(
        name = "reason",
        description = "Ask a question; prints the thinking, where and why it ended, the answer "
                + "and a summary as they stream in.")
final class ReasonCommand implements Callable<Integer> {

    private final Context context;

    @Spec
    private CommandSpec spec;

    @Mixin
    private RouterOptions router;

    @Parameters(paramLabel = "QUESTION", description = "the user's message")
    private String question;

    @Option(names = "--tier", paramLabel = "TIER", description = "SLA tier (default: the tenant's default tier)")
    private String tier;

    @Option(
            names = "--thinking-budget",
            paramLabel = "N",
            description = "thinking budget t, tokens " + "(default: the tier's)")
    private Integer thinkingBudget;

    @Option(
            names = "--solution-budget",
            paramLabel = "N",
            description = "solution budget s, tokens " + "(default: the tier's)")
    private Integer solutionBudget;

    @Option(names = "--clamp-budgets", description = "lower a budget above the tier's ceiling instead of refusing it")
    private boolean clamp;

    @Mixin
    private TenantOption tenant;

    ReasonCommand(Context context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InterruptedException {
        ReasonRequest.Builder request = ReasonRequest.newBuilder()
                .setTenant(tenant.tenant(router))
                .setClampBudgets(clamp)
                .addMessages(ChatMessage.newBuilder()
                        .setRole(ChatMessage.Role.ROLE_USER)
                        .setContent(question));
        if (tier != null) {
            request.setTier(tier);
        }
        if (thinkingBudget != null) {
            request.setThinkingBudgetTokens(Arguments.positive(spec, "--thinking-budget", thinkingBudget));
        }
        if (solutionBudget != null) {
            request.setSolutionBudgetTokens(Arguments.positive(spec, "--solution-budget", solutionBudget));
        }
        ReplyPrinter printer = new ReplyPrinter(context.out(), thinkingBudget);
        try (Connection connection = router.connect()) {
            Iterator<StreamReasonResponse> events = connection
                    .stub(BudgetRouterGrpc::newBlockingStub)
                    .streamReason(
                            StreamReasonRequest.newBuilder().setRequest(request).build());
            while (events.hasNext()) {
                StreamReasonResponse event = events.next();
                switch (event.getEventCase()) {
                    case THINKING_DELTA ->
                        printer.thinking(event.getThinkingDelta().getText());
                    case THINKING_END -> printer.thinkingEnd(event.getThinkingEnd());
                    case SOLUTION_DELTA ->
                        printer.answer(event.getSolutionDelta().getText());
                    case COMPLETED -> printer.completed(event.getCompleted());
                    default -> {
                        // an event this client does not know yet (added to the contract later): nothing to print
                    }
                }
            }
        } catch (StatusRuntimeException e) {
            printer.endLine();
            throw e;
        }
        return 0;
    }
}
