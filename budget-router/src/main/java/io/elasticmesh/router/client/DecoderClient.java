package io.elasticmesh.router.client;

import io.elasticmesh.inference.profile.Turn;
import io.elasticmesh.proto.reasoning.v1.GenerateThinkingRequest;
import io.elasticmesh.proto.reasoning.v1.GenerateThinkingResponse;
import io.elasticmesh.proto.reasoning.v1.MutinyDecoderServiceGrpc.MutinyDecoderServiceStub;
import io.elasticmesh.proto.reasoning.v1.TruncationReason;
import io.elasticmesh.inference.mapping.ChatMessages;
import io.elasticmesh.router.service.ThinkingPhase;
import io.grpc.Deadline;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * decoder-service ({@code quarkus.grpc.clients.decoder.*}). Not retried: thinking is generation, and a retry would
 * spend the budget twice. The deadline is the request's.
 */
@ApplicationScoped
public class DecoderClient {

    private final MutinyDecoderServiceStub stub;

    public DecoderClient(@GrpcClient("decoder") MutinyDecoderServiceStub stub) {
        this.stub = stub;
    }

    @WithSpan(value = "DecoderClient.generateThinking", kind = SpanKind.CLIENT)
    /** @param thinkingDeadlineMs the phase's share of the deadline; the decoder cuts thinking when it is spent */
    public Uni<ThinkingPhase> think(String requestId, String model, List<Turn> conversation, int budgetTokens,
            long thinkingDeadlineMs, Deadline deadline) {
        GenerateThinkingRequest request = GenerateThinkingRequest.newBuilder()
                .setRequestId(requestId)
                .setModel(model)
                .addAllMessages(ChatMessages.toMessages(conversation))
                .setThinkingBudgetTokens(budgetTokens)
                .setThinkingDeadlineMs((int) Math.min(Integer.MAX_VALUE, thinkingDeadlineMs))
                .build();
        return stub.withDeadline(deadline).generateThinking(request).map(DecoderClient::toPhase);
    }

    private static ThinkingPhase toPhase(GenerateThinkingResponse r) {
        return new ThinkingPhase(r.getPromptText(), r.getThinkingText(), r.getClosedByModel(), r.getTruncated(),
                r.getPromptTokens(), r.getThinkingTokens(), r.getFirstTokenMs(),
                r.getTruncationReason() == TruncationReason.TRUNCATION_REASON_DEADLINE);
    }
}
