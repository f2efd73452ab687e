package io.elasticmesh.decoder.grpc;

import io.elasticmesh.decoder.mapping.ThinkingMapper;
import io.elasticmesh.decoder.service.ThinkingService;
import io.elasticmesh.inference.mapping.ChatMessages;
import io.elasticmesh.inference.quarkus.CallDeadline;
import io.elasticmesh.inference.quarkus.GrpcErrors;
import io.elasticmesh.inference.quarkus.InferenceConfig;
import io.elasticmesh.proto.reasoning.v1.DecoderService;
import io.elasticmesh.proto.reasoning.v1.GenerateThinkingRequest;
import io.elasticmesh.proto.reasoning.v1.GenerateThinkingResponse;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

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
        return Uni.createFrom().deferred(() -> {
            if (request.getMessagesCount() == 0) {
                throw new IllegalArgumentException("messages must not be empty");
            }
            if (request.getThinkingBudgetTokens() == 0) {
                throw new IllegalArgumentException("thinking_budget_tokens must be at least 1");
            }
            return thinking.think(request.getRequestId(), request.getModel(),
                    ChatMessages.toTurns(request.getMessagesList()), request.getThinkingBudgetTokens(),
                    CallDeadline.current(config));
        }).map(ThinkingMapper::toResponse).onFailure().transform(GrpcErrors::toStatus);
    }
}
