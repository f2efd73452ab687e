package io.elasticmesh.decoder.grpc;

import io.elasticmesh.decoder.mapping.ThinkingMapper;
import io.elasticmesh.decoder.service.Thinking;
import io.elasticmesh.decoder.service.ThinkingService;
import io.elasticmesh.edge.InvalidArgument;
import io.elasticmesh.edge.Limits;
import io.elasticmesh.inference.mapping.ChatMessages;
import io.elasticmesh.inference.quarkus.CallDeadline;
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
        return PhaseEvent.resultOf(events(request)).map(ThinkingMapper::toResponse);
    }

    @Override
    public Multi<StreamThinkingResponse> streamThinking(StreamThinkingRequest request) {
        return events(request.getRequest()).map(ThinkingMapper::toStreamResponse);
    }

    private Multi<PhaseEvent<Thinking>> events(GenerateThinkingRequest request) {
        long arrived = System.nanoTime();
        return Multi.createFrom().deferred(() -> {
            Limits.name("request_id", request.getRequestId());
            Limits.name("model", request.getModel());
            if (request.getThinkingBudgetTokens() == 0) {
                throw new InvalidArgument("thinking_budget_tokens", "must be at least 1");
            }
            ThinkingService.Limits limits = new ThinkingService.Limits(request.getThinkingBudgetTokens(),
                    timeLimit(request, arrived), CallDeadline.current(config));
            if (request.hasContinuation()) {
                if (request.getContinuation().getPromptText().isEmpty()) {
                    throw new InvalidArgument("continuation.prompt_text", "must not be empty");
                }
                InvalidArgument.requireMaxLength("continuation.prompt_text", request.getContinuation().getPromptText(),
                        Limits.TEXT_CHARS);
                InvalidArgument.requireMaxLength("continuation.thinking_text",
                        request.getContinuation().getThinkingText(), Limits.TEXT_CHARS);
                return thinking.resume(request.getRequestId(), request.getModel(),
                        request.getContinuation().getPromptText(), request.getContinuation().getThinkingText(), limits);
            }
            if (request.getMessagesCount() == 0) {
                throw new InvalidArgument("messages", "must not be empty");
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
        Duration left = Duration.ofMillis(request.getThinkingDeadlineMs()).minusNanos(System.nanoTime() - arrivedNanos);
        // Timers need at least 1 ms: a phase whose time is already spent stops at its first chance.
        return left.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : left;
    }
}
