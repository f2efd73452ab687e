package io.elasticmesh.router.client;

import io.elasticmesh.conversation.PhaseEvent;
import io.elasticmesh.conversation.Turn;
import io.elasticmesh.conversation.mapping.ChatMessages;
import io.elasticmesh.conversation.mapping.Samplings;
import io.elasticmesh.conversation.mapping.TextDeltas;
import io.elasticmesh.conversation.mapping.TruncationReasons;
import io.elasticmesh.proto.reasoning.v1.GenerateThinkingRequest;
import io.elasticmesh.proto.reasoning.v1.GenerateThinkingResponse;
import io.elasticmesh.proto.reasoning.v1.MutinyDecoderServiceGrpc.MutinyDecoderServiceStub;
import io.elasticmesh.proto.reasoning.v1.StreamThinkingRequest;
import io.elasticmesh.proto.reasoning.v1.StreamThinkingResponse;
import io.elasticmesh.proto.reasoning.v1.ThinkingContinuation;
import io.elasticmesh.router.Admitted;
import io.elasticmesh.router.ThinkingPhase;
import io.elasticmesh.telemetry.StreamSpan;
import io.elasticmesh.telemetry.TraceAttributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Multi;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * decoder-service ({@code quarkus.grpc.clients.decoder.*}). Streamed when the caller wants the text as it is
 * generated, unary otherwise, so a unary request sends no per-token messages between the services. Not retried:
 * thinking is generation, and a retry would spend the budget twice. The deadline is the request's; cancelling the
 * stream cancels the call.
 */
@ApplicationScoped
public class DecoderClient {

    private final MutinyDecoderServiceStub stub;
    private final Tracer tracer;

    public DecoderClient(@GrpcClient("decoder") MutinyDecoderServiceStub stub, Tracer tracer) {
        this.stub = stub;
        this.tracer = tracer;
    }

    /**
     * @param admitted the budget, the thinking phase's share of the deadline and the deadline itself
     * @param deltas whether to stream the text as it is generated; without, the only event is the phase's result
     */
    public Multi<PhaseEvent<ThinkingPhase>> think(
            String requestId, List<Turn> conversation, Admitted admitted, boolean deltas) {
        return call(
                GenerateThinkingRequest.newBuilder()
                        .setRequestId(requestId)
                        .addAllMessages(ChatMessages.toMessages(conversation)),
                admitted,
                deltas);
    }

    /** Thinks further after {@code earlier}, an earlier phase's thinking. */
    public Multi<PhaseEvent<ThinkingPhase>> resume(
            String requestId, ThinkingPhase earlier, Admitted admitted, boolean deltas) {
        return call(
                GenerateThinkingRequest.newBuilder()
                        .setRequestId(requestId)
                        .setContinuation(ThinkingContinuation.newBuilder()
                                .setPromptText(earlier.prompt())
                                .setThinkingText(earlier.text())),
                admitted,
                deltas);
    }

    private Multi<PhaseEvent<ThinkingPhase>> call(
            GenerateThinkingRequest.Builder request, Admitted admitted, boolean deltas) {
        request.setModel(admitted.tier().model())
                .setThinkingBudgetTokens(admitted.budget().thinkingTokens())
                .setThinkingDeadlineMs((int) Math.min(Integer.MAX_VALUE, admitted.thinkingDeadlineMs()))
                // The answer's share: its tokens in the context window, its time at the speed thinking shows.
                .setSolutionBudgetTokens(admitted.budget().solutionTokens())
                .setFitThinkingToContextWindow(admitted.clampBudgets())
                .setSolutionOverheadMs((int) Math.min(Integer.MAX_VALUE, admitted.solutionOverheadMillis()))
                .setReserveSafetyFactor(admitted.safetyFactor())
                .setSampling(Samplings.toProto(admitted.sampling()));
        MutinyDecoderServiceStub decoder = stub.withDeadline(admitted.deadline());
        return StreamSpan.around(
                tracer.spanBuilder(deltas ? "DecoderClient.streamThinking" : "DecoderClient.generateThinking")
                        .setAttribute(TraceAttributes.ELASTIC_THINKING_BUDGET_TOKENS, (long)
                                request.getThinkingBudgetTokens()),
                span -> (deltas
                                ? decoder.streamThinking(StreamThinkingRequest.newBuilder()
                                                .setRequest(request)
                                                .build())
                                        .map(DecoderClient::toEvent)
                                : decoder.generateThinking(request.build())
                                        .toMulti()
                                        .map(DecoderClient::done))
                        .invoke(event -> {
                            if (event instanceof PhaseEvent.Done<ThinkingPhase> done) {
                                traced(span, done.result());
                            }
                        }));
    }

    private static void traced(Span span, ThinkingPhase thinking) {
        span.setAttribute(TraceAttributes.ELASTIC_THINKING_TOKENS, (long) thinking.tokens());
        span.setAttribute(TraceAttributes.ELASTIC_THINKING_TRUNCATED, thinking.truncated());
        if (thinking.truncated()) {
            span.setAttribute(TraceAttributes.ELASTIC_TRUNCATION_REASON, thinking.cutReason());
        }
    }

    private static PhaseEvent<ThinkingPhase> toEvent(StreamThinkingResponse response) {
        if (response.hasThinkingDelta()) {
            return TextDeltas.fromProto(response.getThinkingDelta());
        }
        return done(response.getCompleted());
    }

    private static PhaseEvent<ThinkingPhase> done(GenerateThinkingResponse r) {
        return new PhaseEvent.Done<>(new ThinkingPhase(
                r.getPromptText(),
                r.getThinkingText(),
                r.getClosedByModel(),
                TruncationReasons.fromProto(r.getTruncated(), r.getTruncationReason()),
                r.getPromptTokens(),
                r.getThinkingTokens(),
                r.getFirstTokenMs(),
                r.getThinkingBudgetTokens()));
    }
}
