package io.elasticmesh.local;

import io.elasticmesh.proto.reasoning.v1.BudgetRouterGrpc;
import io.elasticmesh.proto.reasoning.v1.ChatMessage;
import io.elasticmesh.proto.reasoning.v1.ReasonRequest;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.util.concurrent.TimeUnit;

/** {@code ./mesh demo}: one real request through the router, printed for a person. */
public final class DemoClient {

    private DemoClient() {
    }

    /** Arguments: router address, tier, question. */
    public static void main(String[] args) throws InterruptedException {
        String target = args.length > 0 ? args[0] : "127.0.0.1:9100";
        String tier = args.length > 1 ? args[1] : "standard";
        String question = args.length > 2 ? args[2] : "What is the capital of France?";
        ManagedChannel channel = ManagedChannelBuilder.forTarget(target).usePlaintext().build();
        try {
            ReasonResponse r = BudgetRouterGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.MINUTES)
                    .reason(ReasonRequest.newBuilder().setTier(tier).addMessages(ChatMessage.newBuilder()
                            .setRole(ChatMessage.Role.ROLE_USER).setContent(question)).build());
            System.out.printf("request   %s (tier %s, model %s, t=%d, s=%d)%n", r.getRequestId(),
                    r.getBudget().getTier(), r.getBudget().getModel(), r.getBudget().getThinkingBudgetTokens(),
                    r.getBudget().getSolutionBudgetTokens());
            System.out.printf("question  %s%n", question);
            System.out.printf("thinking  %s%n", r.getThinkingText().strip());
            System.out.printf("solution  %s%n", r.getSolutionText().strip());
            System.out.printf("usage     prompt=%d thinking=%d forced_delimiters=%d solution=%d tokens%n",
                    r.getUsage().getPromptTokens(), r.getUsage().getThinkingTokens(),
                    r.getUsage().getForcedDelimiters(), r.getUsage().getSolutionTokens());
            System.out.printf("outcome   thinking_truncated=%s solution_finish=%s%n", r.getThinkingTruncated(),
                    r.getSolutionFinishReason());
            System.out.printf("timings   thinking=%d ms solution=%d ms total=%d ms%n", r.getTimings().getThinkingMs(),
                    r.getTimings().getSolutionMs(), r.getTimings().getTotalMs());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
