package io.elasticmesh.router.client;

import io.elasticmesh.inference.mapping.ChatMessages;
import io.elasticmesh.inference.profile.Turn;
import io.elasticmesh.inference.triton.PhaseEvent;
import io.elasticmesh.proto.reasoning.v1.GenerateThinkingRequest;
import io.elasticmesh.proto.reasoning.v1.GenerateThinkingResponse;
import io.elasticmesh.proto.reasoning.v1.MutinyDecoderServiceGrpc.MutinyDecoderServiceStub;
import io.elasticmesh.proto.reasoning.v1.StreamThinkingRequest;
import io.elasticmesh.proto.reasoning.v1.StreamThinkingResponse;
import io.elasticmesh.proto.reasoning.v1.ThinkingContinuation;
import io.elasticmesh.router.service.ThinkingPhase;
import io.grpc.Deadline;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Multi;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * decoder-service ({@code quarkus.grpc.clients.decoder.*}), streamed. Not retried: thinking is generation, and a
 * retry would spend the budget twice. The deadline is the request's; cancelling the stream cancels the call.
 */
@ApplicationScoped
public class DecoderClient {

    private final MutinyDecoderServiceStub stub;

    public DecoderClient(@GrpcClient("decoder") MutinyDecoderServiceStub stub) {
        this.stub = stub;
    }

    @WithSpan(value = "DecoderClient.streamThinking", kind = SpanKind.CLIENT)
    public Multi<PhaseEvent<ThinkingPhase>> think(String requestId, String model, List<Turn> conversation,
            int budgetTokens, Deadline deadline) {
        return call(GenerateThinkingRequest.newBuilder().setRequestId(requestId).setModel(model)
                .addAllMessages(ChatMessages.toMessages(conversation)).setThinkingBudgetTokens(budgetTokens), deadline);
    }

    /** Thinks further after {@code earlier}, an earlier phase's thinking. */
    @WithSpan(value = "DecoderClient.streamThinking", kind = SpanKind.CLIENT)
    public Multi<PhaseEvent<ThinkingPhase>> resume(String requestId, String model, ThinkingPhase earlier,
            int budgetTokens, Deadline deadline) {
        return call(GenerateThinkingRequest.newBuilder().setRequestId(requestId).setModel(model)
                .setContinuation(ThinkingContinuation.newBuilder().setPromptText(earlier.prompt())
                        .setThinkingText(earlier.text()))
                .setThinkingBudgetTokens(budgetTokens), deadline);
    }

    private Multi<PhaseEvent<ThinkingPhase>> call(GenerateThinkingRequest.Builder request, Deadline deadline) {
        return stub.withDeadline(deadline)
                .streamThinking(StreamThinkingRequest.newBuilder().setRequest(request).build())
                .map(DecoderClient::toEvent);
    }

    private static PhaseEvent<ThinkingPhase> toEvent(StreamThinkingResponse response) {
        if (response.hasThinkingDelta()) {
            return new PhaseEvent.Delta<>(response.getThinkingDelta().getText(), response.getThinkingDelta().getTokens());
        }
        GenerateThinkingResponse r = response.getCompleted();
        return new PhaseEvent.Done<>(new ThinkingPhase(r.getPromptText(), r.getThinkingText(), r.getClosedByModel(),
                r.getTruncated(), r.getPromptTokens(), r.getThinkingTokens(), r.getFirstTokenMs()));
    }
}
