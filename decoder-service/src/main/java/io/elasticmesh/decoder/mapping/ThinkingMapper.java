package io.elasticmesh.decoder.mapping;

import io.elasticmesh.conversation.mapping.PhaseResponses;
import io.elasticmesh.conversation.mapping.TruncationReasons;
import io.elasticmesh.decoder.Thinking;
import io.elasticmesh.proto.reasoning.v1.GenerateThinkingResponse;
import io.elasticmesh.proto.reasoning.v1.StreamThinkingResponse;

/** Domain → proto for the decoder. */
public final class ThinkingMapper {

    public static final PhaseResponses<Thinking, GenerateThinkingResponse, StreamThinkingResponse> RESPONSES =
            new PhaseResponses<>(
                    ThinkingMapper::toResponse,
                    delta -> StreamThinkingResponse.newBuilder()
                            .setThinkingDelta(delta)
                            .build(),
                    completed -> StreamThinkingResponse.newBuilder()
                            .setCompleted(completed)
                            .build());

    private ThinkingMapper() {}

    private static GenerateThinkingResponse toResponse(Thinking thinking) {
        return GenerateThinkingResponse.newBuilder()
                .setPromptText(thinking.prompt())
                .setThinkingText(thinking.text())
                .setClosedByModel(thinking.closedByModel())
                .setTruncated(thinking.truncated())
                .setPromptTokens(thinking.promptTokens())
                .setThinkingTokens(thinking.tokens())
                .setFinishReason(TruncationReasons.finishReason(thinking.cut()))
                .setTruncationReason(TruncationReasons.toProto(thinking.cut()))
                .setThinkingBudgetTokens(thinking.budgetTokens())
                .setFirstTokenMs((int) thinking.firstTokenMillis())
                .setDurationMs((int) thinking.durationMillis())
                .build();
    }
}
