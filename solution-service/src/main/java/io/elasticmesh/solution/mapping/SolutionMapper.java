package io.elasticmesh.solution.mapping;

import io.elasticmesh.conversation.mapping.PhaseResponses;
import io.elasticmesh.proto.reasoning.v1.FinishReason;
import io.elasticmesh.proto.reasoning.v1.GenerateSolutionResponse;
import io.elasticmesh.proto.reasoning.v1.StreamSolutionResponse;
import io.elasticmesh.solution.Solution;

/** Domain → proto for the solution service. */
public final class SolutionMapper {

    public static final PhaseResponses<Solution, GenerateSolutionResponse, StreamSolutionResponse> RESPONSES =
            new PhaseResponses<>(
                    SolutionMapper::toResponse,
                    delta -> StreamSolutionResponse.newBuilder()
                            .setSolutionDelta(delta)
                            .build(),
                    completed -> StreamSolutionResponse.newBuilder()
                            .setCompleted(completed)
                            .build());

    private SolutionMapper() {}

    private static GenerateSolutionResponse toResponse(Solution solution) {
        return GenerateSolutionResponse.newBuilder()
                .setSolutionText(solution.text())
                .setSolutionTokens(solution.tokens())
                .setForcedDelimiters(solution.forcedDelimiters())
                .setFinishReason(
                        solution.budgetReached() ? FinishReason.FINISH_REASON_LENGTH : FinishReason.FINISH_REASON_STOP)
                .setStoppedAtThinkingDelimiter(solution.stoppedAtThinkingDelimiter())
                .setPromptTokens(solution.promptTokens())
                .setFirstTokenMs((int) solution.firstTokenMillis())
                .setDurationMs((int) solution.durationMillis())
                .build();
    }
}
