package io.elasticmesh.router.mapping;

import com.google.protobuf.Timestamp;
import io.elasticmesh.conversation.mapping.ChatMessages;
import io.elasticmesh.conversation.mapping.Samplings;
import io.elasticmesh.proto.audit.v1.AuditEvent;
import io.elasticmesh.proto.audit.v1.ReviewRouting;
import io.elasticmesh.proto.reasoning.v1.ReasonRequest;
import io.elasticmesh.router.ReasonResult;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.util.UUID;

/** Domain → the audit event of one request: the request as admitted and the reply exactly as sent. */
public final class AuditMapper {

    private AuditMapper() {}

    /** Called on the request's own context, so the current span is the request's. */
    public static AuditEvent toEvent(ReasonResult result) {
        ReasonRequest.Builder request = ReasonRequest.newBuilder()
                .addAllMessages(ChatMessages.toMessages(result.conversation()))
                .setTier(result.tier().name())
                .setTenant(result.tenant())
                .setSampling(Samplings.toProto(result.requested().sampling()));
        result.requested().thinkingTokens().ifPresent(request::setThinkingBudgetTokens);
        result.requested().solutionTokens().ifPresent(request::setSolutionBudgetTokens);
        SpanContext span = Span.current().getSpanContext();
        return AuditEvent.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setTraceId(span.isValid() ? span.getTraceId() : "")
                .setOccurredAt(Timestamp.newBuilder()
                        .setSeconds(result.receivedAt().getEpochSecond())
                        .setNanos(result.receivedAt().getNano()))
                .setTenant(result.tenant())
                .setRequest(request)
                .setResponse(ReasonMapper.toResponse(result))
                .setThinkingPromptText(result.thinking().prompt())
                .setContinuedRequestId(result.continuedRequestId().orElse(""))
                .setReview(ReviewRouting.newBuilder()
                        .setRule(result.tier().review().toString())
                        .setRequired(result.reviewRequired()))
                .build();
    }
}
