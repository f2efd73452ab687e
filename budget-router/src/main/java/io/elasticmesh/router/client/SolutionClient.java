package io.elasticmesh.router.client;

import io.elasticmesh.proto.reasoning.v1.FinishReason;
import io.elasticmesh.proto.reasoning.v1.GenerateSolutionRequest;
import io.elasticmesh.proto.reasoning.v1.GenerateSolutionResponse;
import io.elasticmesh.proto.reasoning.v1.MutinySolutionServiceGrpc.MutinySolutionServiceStub;
import io.elasticmesh.router.service.SolutionPhase;
import io.elasticmesh.router.service.ThinkingPhase;
import io.grpc.Deadline;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** solution-service ({@code quarkus.grpc.clients.solution.*}). Not retried, for the same reason as the decoder. */
@ApplicationScoped
public class SolutionClient {

    private final MutinySolutionServiceStub stub;

    public SolutionClient(@GrpcClient("solution") MutinySolutionServiceStub stub) {
        this.stub = stub;
    }

    @WithSpan(value = "SolutionClient.generateSolution", kind = SpanKind.CLIENT)
    public Uni<SolutionPhase> solve(String requestId, String model, ThinkingPhase thinking, int budgetTokens,
            Deadline deadline) {
        GenerateSolutionRequest request = GenerateSolutionRequest.newBuilder()
                .setRequestId(requestId)
                .setModel(model)
                .setPromptText(thinking.prompt())
                .setThinkingText(thinking.text())
                .setThinkingClosedByModel(thinking.closedByModel())
                .setSolutionBudgetTokens(budgetTokens)
                .build();
        return stub.withDeadline(deadline).generateSolution(request).map(SolutionClient::toPhase);
    }

    private static SolutionPhase toPhase(GenerateSolutionResponse r) {
        return new SolutionPhase(r.getSolutionText(), r.getSolutionTokens(), r.getForcedDelimiters(),
                r.getFinishReason() == FinishReason.FINISH_REASON_LENGTH);
    }
}
