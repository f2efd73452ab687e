package io.elasticmesh.decoder.grpc;

import io.elasticmesh.decoder.mapping.ThinkingMapper;
import io.elasticmesh.decoder.service.Thinking;
import io.elasticmesh.decoder.service.ThinkingService;
import io.elasticmesh.inference.mapping.ChatMessages;
import io.elasticmesh.inference.mapping.Uint32;
import io.elasticmesh.inference.quarkus.CallDeadline;
import io.elasticmesh.inference.quarkus.GrpcErrors;
import io.elasticmesh.inference.quarkus.InferenceConfig;
import io.elasticmesh.inference.triton.PhaseEvent;
import io.elasticmesh.proto.reasoning.v1.DecoderService;
import io.elasticmesh.proto.reasoning.v1.GenerateThinkingRequest;
import io.elasticmesh.proto.reasoning.v1.GenerateThinkingResponse;
import io.elasticmesh.proto.reasoning.v1.StreamThinkingRequest;
import io.elasticmesh.proto.reasoning.v1.StreamThinkingResponse;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.time.Duration;

@GrpcService
public class DecoderGrpcService implements DecoderService {

    private final ThinkingService thinking;
    private final InferenceConfig config;

    public DecoderGrpcService(ThinkingService thinking, InferenceConfig config) {
        this.thinking = thinking;
        this.config = config;
    }

    @Override
    public Uni<GenerateThinkingResponse> generateThinking(GenerateThinkingRequest request) {
        return PhaseEvent.resultOf(events(request)).map(ThinkingMapper::toResponse)
                .onFailure().transform(GrpcErrors::toStatus);
    }

    @Override
    public Multi<StreamThinkingResponse> streamThinking(StreamThinkingRequest request) {
        return events(request.getRequest()).map(ThinkingMapper::toStreamResponse)
                .onFailure().transform(GrpcErrors::toStatus);
    }

    private Multi<PhaseEvent<Thinking>> events(GenerateThinkingRequest request) {
        long arrived = System.nanoTime();
        return Multi.createFrom().deferred(() -> {
            int budget = Uint32.within("thinking_budget_tokens", request.getThinkingBudgetTokens(), 1,
                    Integer.MAX_VALUE);
            ThinkingService.Limits limits = new ThinkingService.Limits(budget,
                    timeLimit(request, arrived), CallDeadline.current(config));
            if (request.hasContinuation()) {
                if (request.getContinuation().getPromptText().isEmpty()) {
                    throw new IllegalArgumentException("continuation.prompt_text must not be empty");
                }
                return thinking.resume(request.getRequestId(), request.getModel(),
                        request.getContinuation().getPromptText(), request.getContinuation().getThinkingText(), limits);
            }
            if (request.getMessagesCount() == 0) {
                throw new IllegalArgumentException("messages must not be empty");
            }
            return thinking.think(request.getRequestId(), request.getModel(),
                    ChatMessages.toTurns(request.getMessagesList()), limits);
        });
    }

    /** What is left of thinking_deadline_ms (counted from the call's arrival), or null when it is not set. */
    private static Duration timeLimit(GenerateThinkingRequest request, long arrivedNanos) {
        if (request.getThinkingDeadlineMs() == 0) {
            return null;
        }
        Duration left = Duration.ofMillis(Uint32.value(request.getThinkingDeadlineMs())).minusNanos(System.nanoTime() - arrivedNanos);
        // Timers need at least 1 ms: a phase whose time is already spent stops at its first chance.
        return left.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : left;
    }
}
