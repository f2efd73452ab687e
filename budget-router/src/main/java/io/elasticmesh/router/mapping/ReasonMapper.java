package io.elasticmesh.router.mapping;

import io.elasticmesh.conversation.mapping.ChatMessages;
import io.elasticmesh.conversation.mapping.Samplings;
import io.elasticmesh.conversation.mapping.TextDeltas;
import io.elasticmesh.conversation.mapping.TruncationReasons;
import io.elasticmesh.edge.InvalidArgument;
import io.elasticmesh.proto.reasoning.v1.AppliedBudget;
import io.elasticmesh.proto.reasoning.v1.FinishReason;
import io.elasticmesh.proto.reasoning.v1.PhaseTimings;
import io.elasticmesh.proto.reasoning.v1.ReasonRequest;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import io.elasticmesh.proto.reasoning.v1.StreamReasonResponse;
import io.elasticmesh.proto.reasoning.v1.ThinkingEnd;
import io.elasticmesh.proto.reasoning.v1.TokenUsage;
import io.elasticmesh.router.BudgetPolicy;
import io.elasticmesh.router.ReasonCommand;
import io.elasticmesh.router.ReasonEvent;
import io.elasticmesh.router.ReasonResult;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** Proto ↔ domain for the router's public contract. */
public final class ReasonMapper {

    private ReasonMapper() {}

    /**
     * @param tenant the calling tenant, as authenticated (or as the request names it when authentication is off)
     * @throws InvalidArgument naming the field of a malformed request (a malformed sampling value included)
     */
    public static ReasonCommand toCommand(ReasonRequest request, String tenant, boolean authenticated) {
        if (request.getMessagesCount() == 0) {
            throw new InvalidArgument("messages", "must contain at least one message");
        }
        return new ReasonCommand(
                ChatMessages.toTurns(request.getMessagesList()),
                request.getTier(),
                tenant,
                authenticated,
                request.hasThinkingBudgetTokens()
                        ? OptionalLong.of(request.getThinkingBudgetTokens())
                        : OptionalLong.empty(),
                request.hasSolutionBudgetTokens()
                        ? OptionalInt.of(request.getSolutionBudgetTokens())
                        : OptionalInt.empty(),
                request.getClampBudgets(),
                BudgetPolicy.THINKING_FIELD,
                Samplings.fromProto(request.getSampling()));
    }

    public static ReasonResponse toResponse(ReasonResult result) {
        return ReasonResponse.newBuilder()
                .setRequestId(result.requestId())
                .setThinkingText(result.thinking().text())
                .setSolutionText(result.solution().text())
                .setThinkingTruncated(result.thinking().truncated())
                .setSolutionFinishReason(finishReason(result.solution().budgetReached()))
                .setTruncationReason(TruncationReasons.toProto(result.thinking().cut()))
                .setSolutionTruncated(result.solution().budgetReached())
                .setSolutionEmpty(result.solution().text().isBlank())
                .setUsage(TokenUsage.newBuilder()
                        .setPromptTokens(result.thinking().promptTokens())
                        .setThinkingTokens(result.thinking().tokens())
                        .setForcedDelimiters(result.solution().forcedDelimiters())
                        .setSolutionTokens(result.solution().tokens()))
                .setBudget(AppliedBudget.newBuilder()
                        .setTier(result.tier().name())
                        .setModel(result.tier().model())
                        .setThinkingBudgetTokens(result.budget().thinkingTokens())
                        .setSolutionBudgetTokens(result.budget().solutionTokens())
                        .setDeadlineMs((int) result.deadlineMs())
                        .setThinkingBudgetClamped(result.budget().thinkingClamped())
                        .setSolutionBudgetClamped(result.budget().solutionClamped())
                        .setSolutionRolloverTokens(result.budget().solutionRolloverTokens())
                        .setConfigVersion(result.configVersion()))
                .setSampling(Samplings.toProto(result.sampling()))
                .setTimings(PhaseTimings.newBuilder()
                        .setThinkingMs((int) result.timings().thinkingMillis())
                        .setSolutionMs((int) result.timings().solutionMillis())
                        .setTotalMs((int) result.timings().totalMillis())
                        .setFirstThinkingTokenMs((int) result.thinking().firstTokenMillis()))
                .build();
    }

    public static StreamReasonResponse toStreamResponse(ReasonEvent event) {
        StreamReasonResponse.Builder response = StreamReasonResponse.newBuilder();
        if (event instanceof ReasonEvent.ThinkingDelta delta) {
            response.setThinkingDelta(TextDeltas.toProto(delta.text(), delta.tokens()));
        } else if (event instanceof ReasonEvent.ThinkingEnded ended) {
            response.setThinkingEnd(ThinkingEnd.newBuilder()
                    .setTruncated(ended.thinking().truncated())
                    .setTruncationReason(
                            TruncationReasons.toProto(ended.thinking().cut()))
                    .setThinkingTokens(ended.thinking().tokens())
                    .setForcedDelimiters(ended.thinking().closedByModel() ? 0 : 1));
        } else if (event instanceof ReasonEvent.SolutionDelta delta) {
            response.setSolutionDelta(TextDeltas.toProto(delta.text(), delta.tokens()));
        } else {
            response.setCompleted(toResponse(((ReasonEvent.Completed) event).result()));
        }
        return response.build();
    }

    public static FinishReason finishReason(boolean budgetReached) {
        return budgetReached ? FinishReason.FINISH_REASON_LENGTH : FinishReason.FINISH_REASON_STOP;
    }
}
