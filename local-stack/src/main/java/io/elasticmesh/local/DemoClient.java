package io.elasticmesh.local;

import io.elasticmesh.proto.audit.v1.AuditEvent;
import io.elasticmesh.proto.audit.v1.AuditServiceGrpc;
import io.elasticmesh.proto.reasoning.v1.BudgetRouterGrpc;
import io.elasticmesh.proto.reasoning.v1.ChatMessage;
import io.elasticmesh.proto.reasoning.v1.ReasonRequest;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./mesh demo}: two real requests through the router, printed for a person. The first runs on the tier's
 * budgets; the second lowers the thinking budget until it is cut, and its audit record is read back from
 * audit-service after travelling through Kafka.
 */
public final class DemoClient {

    private DemoClient() {
    }

    /** Arguments: router address, audit address, tier, question. */
    public static void main(String[] args) throws InterruptedException {
        String routerTarget = args.length > 0 ? args[0] : "127.0.0.1:9100";
        String auditTarget = args.length > 1 ? args[1] : "127.0.0.1:9400";
        String tier = args.length > 2 ? args[2] : "standard";
        String question = args.length > 3 ? args[3] : "What is the capital of France?";
        ManagedChannel routerChannel = ManagedChannelBuilder.forTarget(routerTarget).usePlaintext().build();
        ManagedChannel auditChannel = ManagedChannelBuilder.forTarget(auditTarget).usePlaintext().build();
        try {
            var router = BudgetRouterGrpc.newBlockingStub(routerChannel);
            ReasonRequest.Builder request = ReasonRequest.newBuilder().setTier(tier).setTenant("demo")
                    .addMessages(ChatMessage.newBuilder().setRole(ChatMessage.Role.ROLE_USER).setContent(question));
            System.out.printf("question  %s%n%n", question);
            print(router.withDeadlineAfter(5, TimeUnit.MINUTES).reason(request.build()));

            ReasonResponse cut = router.withDeadlineAfter(5, TimeUnit.MINUTES)
                    .reason(request.setThinkingBudgetTokens(4).build());
            print(cut);
            // ./mesh passes the local mesh's compliance key.
            var audit = ApiKeys.attach(AuditServiceGrpc.newBlockingStub(auditChannel), System.getenv("MESH_API_KEY"));
            AuditEvent event = AuditEvents.await(audit, cut.getRequestId(), Duration.ofSeconds(30));
            System.out.printf("audit     event %s via Kafka: tenant=%s tier=%s thinking cut at %d of %d tokens%n",
                    event.getEventId(), event.getTenant(), event.getRequest().getTier(),
                    event.getResponse().getUsage().getThinkingTokens(),
                    event.getResponse().getBudget().getThinkingBudgetTokens());
        } finally {
            routerChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            auditChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static void print(ReasonResponse r) {
        System.out.printf("request   %s (tier %s, model %s, t=%d, s=%d)%n", r.getRequestId(), r.getBudget().getTier(),
                r.getBudget().getModel(), r.getBudget().getThinkingBudgetTokens(),
                r.getBudget().getSolutionBudgetTokens());
        System.out.printf("thinking  %s%n", r.getThinkingText().strip());
        System.out.printf("solution  %s%n", r.getSolutionText().strip());
        System.out.printf("usage     prompt=%d thinking=%d forced_delimiters=%d solution=%d tokens%n",
                r.getUsage().getPromptTokens(), r.getUsage().getThinkingTokens(), r.getUsage().getForcedDelimiters(),
                r.getUsage().getSolutionTokens());
        System.out.printf("outcome   thinking_truncated=%s solution_finish=%s%n", r.getThinkingTruncated(),
                r.getSolutionFinishReason());
        System.out.printf("timings   thinking=%d ms solution=%d ms total=%d ms%n%n", r.getTimings().getThinkingMs(),
                r.getTimings().getSolutionMs(), r.getTimings().getTotalMs());
    }
}
