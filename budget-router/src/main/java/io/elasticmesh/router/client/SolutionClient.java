package io.elasticmesh.router.client;

import io.elasticmesh.conversation.PhaseEvent;
import io.elasticmesh.conversation.Sampling;
import io.elasticmesh.conversation.mapping.Samplings;
import io.elasticmesh.conversation.mapping.TextDeltas;
import io.elasticmesh.proto.reasoning.v1.FinishReason;
import io.elasticmesh.proto.reasoning.v1.GenerateSolutionRequest;
import io.elasticmesh.proto.reasoning.v1.GenerateSolutionResponse;
import io.elasticmesh.proto.reasoning.v1.MutinySolutionServiceGrpc.MutinySolutionServiceStub;
import io.elasticmesh.proto.reasoning.v1.StreamSolutionRequest;
import io.elasticmesh.proto.reasoning.v1.StreamSolutionResponse;
import io.elasticmesh.router.SolutionPhase;
import io.elasticmesh.router.ThinkingPhase;
import io.elasticmesh.telemetry.StreamSpan;
import io.elasticmesh.telemetry.TraceAttributes;
import io.grpc.Deadline;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Multi;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * solution-service ({@code quarkus.grpc.clients.solution.*}), streamed. Not retried, for the same reason as the
 * decoder.
 */
@ApplicationScoped
public class SolutionClient {

    private final MutinySolutionServiceStub stub;
    private final Tracer tracer;

    public SolutionClient(@GrpcClient("solution") MutinySolutionServiceStub stub, Tracer tracer) {
        this.stub = stub;
        this.tracer = tracer;
    }

    /** @param deltas whether to stream the text as it is generated; without, the only event is the result */
    public Multi<PhaseEvent<SolutionPhase>> solve(
            String requestId,
            String model,
            ThinkingPhase thinking,
            int budgetTokens,
            Sampling sampling,
            Deadline deadline,
            boolean deltas) {
        GenerateSolutionRequest request = GenerateSolutionRequest.newBuilder()
                .setRequestId(requestId)
                .setModel(model)
                .setPromptText(thinking.prompt())
                .setThinkingText(thinking.text())
                .setThinkingClosedByModel(thinking.closedByModel())
                .setSolutionBudgetTokens(budgetTokens)
                .setSampling(Samplings.toProto(sampling))
                .build();
        MutinySolutionServiceStub solution = stub.withDeadline(deadline);
        return StreamSpan.around(
                tracer.spanBuilder(deltas ? "SolutionClient.streamSolution" : "SolutionClient.generateSolution")
                        .setAttribute(TraceAttributes.ELASTIC_SOLUTION_BUDGET_TOKENS, (long) budgetTokens),
                span -> (deltas
                                ? solution.streamSolution(StreamSolutionRequest.newBuilder()
                                                .setRequest(request)
                                                .build())
                                        .map(SolutionClient::toEvent)
                                : solution.generateSolution(request).toMulti().map(SolutionClient::done))
                        .invoke(event -> {
                            if (event instanceof PhaseEvent.Done<SolutionPhase> done) {
                                span.setAttribute(TraceAttributes.ELASTIC_SOLUTION_TOKENS, (long)
                                        done.result().tokens());
                                span.setAttribute(TraceAttributes.ELASTIC_FORCED_DELIMITERS, (long)
                                        done.result().forcedDelimiters());
                            }
                        }));
    }

    private static PhaseEvent<SolutionPhase> toEvent(StreamSolutionResponse response) {
        if (response.hasSolutionDelta()) {
            return TextDeltas.fromProto(response.getSolutionDelta());
        }
        return done(response.getCompleted());
    }

    private static PhaseEvent<SolutionPhase> done(GenerateSolutionResponse r) {
        return new PhaseEvent.Done<>(new SolutionPhase(
                r.getSolutionText(),
                r.getSolutionTokens(),
                r.getForcedDelimiters(),
                r.getFinishReason() == FinishReason.FINISH_REASON_LENGTH,
                r.getStoppedAtThinkingDelimiter(),
                r.getFirstTokenMs()));
    }
}
