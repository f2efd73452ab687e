package io.elasticmesh.decoder.grpc;

import io.elasticmesh.conversation.PhaseEvent;
import io.elasticmesh.conversation.mapping.ChatMessages;
import io.elasticmesh.conversation.mapping.PhaseResponses;
import io.elasticmesh.conversation.mapping.Samplings;
import io.elasticmesh.decoder.Thinking;
import io.elasticmesh.decoder.ThinkingLimits;
import io.elasticmesh.decoder.ThinkingTimeLimit;
import io.elasticmesh.decoder.mapping.ThinkingMapper;
import io.elasticmesh.decoder.service.ThinkingService;
import io.elasticmesh.edge.InvalidArgument;
import io.elasticmesh.edge.Limits;
import io.elasticmesh.edge.Uint32;
import io.elasticmesh.inference.quarkus.CallDeadline;
import io.elasticmesh.inference.quarkus.InferenceConfig;
import io.elasticmesh.inference.triton.TimeLimit;
import io.elasticmesh.proto.reasoning.v1.DecoderService;
import io.elasticmesh.proto.reasoning.v1.GenerateThinkingRequest;
import io.elasticmesh.proto.reasoning.v1.GenerateThinkingResponse;
import io.elasticmesh.proto.reasoning.v1.StreamThinkingRequest;
import io.elasticmesh.proto.reasoning.v1.StreamThinkingResponse;
import io.grpc.Deadline;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.util.concurrent.TimeUnit;

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
        return ThinkingMapper.RESPONSES.unary(events(request));
    }

    @Override
    public Multi<StreamThinkingResponse> streamThinking(StreamThinkingRequest request) {
        return ThinkingMapper.RESPONSES.stream(events(request.getRequest()));
    }

    private Multi<PhaseEvent<Thinking>> events(GenerateThinkingRequest request) {
        long arrived = System.nanoTime();
        return PhaseResponses.checked(request.getRequestId(), request.getModel(), () -> {
            int budget =
                    Uint32.within("thinking_budget_tokens", request.getThinkingBudgetTokens(), 1, Integer.MAX_VALUE);
            int solution =
                    Uint32.within("solution_budget_tokens", request.getSolutionBudgetTokens(), 0, Integer.MAX_VALUE);
            Deadline deadline = CallDeadline.current(config);
            ThinkingLimits limits = new ThinkingLimits(
                    budget,
                    timeLimit(request, arrived, deadline),
                    deadline,
                    solution,
                    request.getFitThinkingToContextWindow(),
                    Samplings.fromProto(request.getSampling()));
            if (request.hasContinuation()) {
                if (request.getContinuation().getPromptText().isEmpty()) {
                    throw new InvalidArgument("continuation.prompt_text", "must not be empty");
                }
                InvalidArgument.requireMaxLength(
                        "continuation.prompt_text", request.getContinuation().getPromptText(), Limits.TEXT_CHARS);
                InvalidArgument.requireMaxLength(
                        "continuation.thinking_text", request.getContinuation().getThinkingText(), Limits.TEXT_CHARS);
                return thinking.resume(
                        request.getRequestId(),
                        request.getModel(),
                        request.getContinuation().getPromptText(),
                        request.getContinuation().getThinkingText(),
                        limits);
            }
            if (request.getMessagesCount() == 0) {
                throw new InvalidArgument("messages", "must not be empty");
            }
            return thinking.think(
                    request.getRequestId(),
                    request.getModel(),
                    ChatMessages.toTurns(request.getMessagesList()),
                    limits);
        });
    }

    /**
     * When thinking stops for time: at thinking_deadline_ms (counted from the call's arrival), or, when the request
     * names the solution budget, when the answer's reserve at the phase's own speed is all that is left of the
     * deadline (ThinkingTimeLimit); null when neither applies.
     */
    private static TimeLimit timeLimit(GenerateThinkingRequest request, long arrivedNanos, Deadline deadline) {
        long share = Uint32.value(request.getThinkingDeadlineMs());
        long shareEnd = share == 0 ? Long.MAX_VALUE : arrivedNanos + TimeUnit.MILLISECONDS.toNanos(share);
        if (request.getSolutionBudgetTokens() == 0) {
            return share == 0 ? null : TimeLimit.at(shareEnd);
        }
        return new ThinkingTimeLimit(
                shareEnd,
                System.nanoTime() + deadline.timeRemaining(TimeUnit.NANOSECONDS),
                request.getSolutionBudgetTokens(),
                Uint32.value(request.getSolutionOverheadMs()),
                request.getReserveSafetyFactor());
    }
}
