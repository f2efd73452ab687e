package io.elasticmesh.decoder.mapping;

import io.elasticmesh.conversation.PhaseEvent;
import io.elasticmesh.conversation.ThinkingCut;
import io.elasticmesh.conversation.mapping.TextDeltas;
import io.elasticmesh.conversation.mapping.TruncationReasons;
import io.elasticmesh.decoder.service.Thinking;
import io.elasticmesh.proto.reasoning.v1.FinishReason;
import io.elasticmesh.proto.reasoning.v1.GenerateThinkingResponse;
import io.elasticmesh.proto.reasoning.v1.StreamThinkingResponse;

/** Domain → proto for the decoder. */
public final class ThinkingMapper {

    private ThinkingMapper() {
    }

    public static StreamThinkingResponse toStreamResponse(PhaseEvent<Thinking> event) {
        if (event instanceof PhaseEvent.Delta<Thinking> delta) {
            return StreamThinkingResponse.newBuilder()
                    .setThinkingDelta(TextDeltas.toProto(delta)).build();
        }
        return StreamThinkingResponse.newBuilder().setCompleted(toResponse(((PhaseEvent.Done<Thinking>) event).result()))
                .build();
    }

    public static GenerateThinkingResponse toResponse(Thinking thinking) {
        return GenerateThinkingResponse.newBuilder()
                .setPromptText(thinking.prompt())
                .setThinkingText(thinking.text())
                .setClosedByModel(thinking.closedByModel())
                .setTruncated(thinking.truncated())
                .setPromptTokens(thinking.promptTokens())
                .setThinkingTokens(thinking.tokens())
                .setFinishReason(finishReason(thinking))
                .setTruncationReason(TruncationReasons.toProto(thinking.cut()))
                .setThinkingBudgetTokens(thinking.budgetTokens())
                .setFirstTokenMs((int) thinking.firstTokenMillis())
                .setDurationMs((int) thinking.durationMillis())
                .build();
    }

    private static FinishReason finishReason(Thinking thinking) {
        if (thinking.cut() == ThinkingCut.DEADLINE) {
            return FinishReason.FINISH_REASON_UNSPECIFIED;
        }
        return thinking.truncated() ? FinishReason.FINISH_REASON_LENGTH : FinishReason.FINISH_REASON_STOP;
    }
}
