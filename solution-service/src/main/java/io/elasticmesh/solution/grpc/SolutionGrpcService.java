package io.elasticmesh.solution.grpc;

import io.elasticmesh.conversation.PhaseEvent;
import io.elasticmesh.conversation.mapping.PhaseResponses;
import io.elasticmesh.conversation.mapping.Samplings;
import io.elasticmesh.edge.InvalidArgument;
import io.elasticmesh.edge.Limits;
import io.elasticmesh.edge.Uint32;
import io.elasticmesh.inference.quarkus.CallDeadline;
import io.elasticmesh.inference.quarkus.InferenceConfig;
import io.elasticmesh.proto.reasoning.v1.GenerateSolutionRequest;
import io.elasticmesh.proto.reasoning.v1.GenerateSolutionResponse;
import io.elasticmesh.proto.reasoning.v1.SolutionService;
import io.elasticmesh.proto.reasoning.v1.StreamSolutionRequest;
import io.elasticmesh.proto.reasoning.v1.StreamSolutionResponse;
import io.elasticmesh.solution.Solution;
import io.elasticmesh.solution.mapping.SolutionMapper;
import io.elasticmesh.solution.service.AnswerService;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

@GrpcService
public class SolutionGrpcService implements SolutionService {

    private final AnswerService answers;
    private final InferenceConfig config;

    public SolutionGrpcService(AnswerService answers, InferenceConfig config) {
        this.answers = answers;
        this.config = config;
    }

    @Override
    public Uni<GenerateSolutionResponse> generateSolution(GenerateSolutionRequest request) {
        return SolutionMapper.RESPONSES.unary(events(request));
    }

    @Override
    public Multi<StreamSolutionResponse> streamSolution(StreamSolutionRequest request) {
        return SolutionMapper.RESPONSES.stream(events(request.getRequest()));
    }

    private Multi<PhaseEvent<Solution>> events(GenerateSolutionRequest request) {
        return PhaseResponses.checked(request.getRequestId(), request.getModel(), () -> {
            if (request.getPromptText().isEmpty()) {
                throw new InvalidArgument("prompt_text", "must not be empty");
            }
            InvalidArgument.requireMaxLength("prompt_text", request.getPromptText(), Limits.TEXT_CHARS);
            InvalidArgument.requireMaxLength("thinking_text", request.getThinkingText(), Limits.TEXT_CHARS);
            int budget =
                    Uint32.within("solution_budget_tokens", request.getSolutionBudgetTokens(), 1, Integer.MAX_VALUE);
            return answers.solve(
                    request.getRequestId(),
                    request.getModel(),
                    request.getPromptText(),
                    request.getThinkingText(),
                    request.getThinkingClosedByModel(),
                    budget,
                    Samplings.fromProto(request.getSampling()),
                    CallDeadline.current(config));
        });
    }
}
