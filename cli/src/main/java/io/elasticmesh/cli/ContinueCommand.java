package io.elasticmesh.cli;

import io.elasticmesh.proto.reasoning.v1.BudgetRouterGrpc;
import io.elasticmesh.proto.reasoning.v1.ContinueReasoningRequest;
import io.elasticmesh.proto.reasoning.v1.ContinueReasoningResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ./mesh continue ID --extra N}: BudgetRouter.ContinueReasoning ("think more" after a cut). */
@Command(
        name = "continue",
        description = "Think more: resume a request whose thinking was cut, with up to N more "
                + "thinking tokens, and answer afresh (the router holds cut requests for router.continuation.hold).")
final class ContinueCommand implements Callable<Integer> {

    private final Context context;

    @Spec
    private CommandSpec spec;

    @Mixin
    private RouterOptions router;

    @Parameters(paramLabel = "REQUEST_ID", description = "request id of a cut reply (its summary line names it)")
    private String requestId;

    @Option(
            names = "--extra",
            paramLabel = "N",
            required = true,
            description = "more thinking tokens, 1..the tier's thinking ceiling")
    private int extra;

    @Mixin
    private TenantOption tenant;

    ContinueCommand(Context context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InterruptedException {
        ContinueReasoningRequest request = ContinueReasoningRequest.newBuilder()
                .setRequestId(requestId)
                .setExtraThinkingTokens(Arguments.positive(spec, "--extra", extra))
                .setTenant(tenant.tenant(router))
                .build();
        ContinueReasoningResponse reply;
        try (Connection connection = router.connect()) {
            reply = connection.stub(BudgetRouterGrpc::newBlockingStub).continueReasoning(request);
        }
        context.out().println("continues " + reply.getContinuedRequestId());
        new ReplyPrinter(context.out(), extra).whole(reply.getReply());
        return 0;
    }
}
