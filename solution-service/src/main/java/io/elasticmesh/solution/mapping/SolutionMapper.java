package io.elasticmesh.solution.mapping;

import io.elasticmesh.conversation.PhaseEvent;
import io.elasticmesh.conversation.mapping.TextDeltas;
import io.elasticmesh.proto.reasoning.v1.FinishReason;
import io.elasticmesh.proto.reasoning.v1.GenerateSolutionResponse;
import io.elasticmesh.proto.reasoning.v1.StreamSolutionResponse;
import io.elasticmesh.solution.service.Solution;

/** Domain → proto for the solution service. */
public final class SolutionMapper {

    private SolutionMapper() {
    }

    public static StreamSolutionResponse toStreamResponse(PhaseEvent<Solution> event) {
        if (event instanceof PhaseEvent.Delta<Solution> delta) {
            return StreamSolutionResponse.newBuilder().setSolutionDelta(TextDeltas.toProto(delta)).build();
        }
        return StreamSolutionResponse.newBuilder().setCompleted(toResponse(((PhaseEvent.Done<Solution>) event).result()))
                .build();
    }

    public static GenerateSolutionResponse toResponse(Solution solution) {
        return GenerateSolutionResponse.newBuilder()
                .setSolutionText(solution.text())
                .setSolutionTokens(solution.tokens())
                .setForcedDelimiters(solution.forcedDelimiters())
                .setFinishReason(solution.budgetReached() ? FinishReason.FINISH_REASON_LENGTH
                        : FinishReason.FINISH_REASON_STOP)
                .setStoppedAtThinkingDelimiter(solution.stoppedAtThinkingDelimiter())
                .setPromptTokens(solution.promptTokens())
                .setFirstTokenMs((int) solution.firstTokenMillis())
                .setDurationMs((int) solution.durationMillis())
                .build();
    }
}
