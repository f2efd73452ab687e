package io.elasticmesh.audit.service;

import io.elasticmesh.audit.ReviewClaim;
import io.elasticmesh.audit.ReviewFilter;
import io.elasticmesh.audit.ReviewHistory;
import io.elasticmesh.audit.ReviewOverview;
import io.elasticmesh.audit.ReviewPage;
import io.elasticmesh.audit.Rubric;
import io.elasticmesh.audit.StoredEvent;
import io.elasticmesh.audit.StoredVerdict;
import io.elasticmesh.audit.client.RouterClient;
import io.elasticmesh.audit.config.AuditConfig;
import io.elasticmesh.audit.mapping.ReviewMapper;
import io.elasticmesh.auditchain.ExportRow;
import io.elasticmesh.edge.DomainException;
import io.elasticmesh.edge.Echo;
import io.elasticmesh.edge.InvalidArgument;
import io.elasticmesh.identity.Principal;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import io.grpc.Status;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The review workflow, each step checked against the caller's roles and tenant; the one service layer of the gRPC
 * API and the console. An item the caller may not read is answered exactly like one that does not exist.
 */
@ApplicationScoped
public class Reviews {

    /** Longest comment a verdict may carry, in characters. */
    public static final int MAX_COMMENT_CHARS = 4_000;

    private final ReviewStore store;
    private final EventReader events;
    private final RouterClient router;
    private final ReviewOverviews overviews;
    private final Rubric rubric;
    private final Duration claimDuration;

    public Reviews(
            ReviewStore store,
            EventReader events,
            RouterClient router,
            ReviewOverviews overviews,
            Rubric rubric,
            AuditConfig config) {
        this.store = store;
        this.overviews = overviews;
        this.events = events;
        this.router = router;
        this.rubric = rubric;
        this.claimDuration = config.review().claimDuration();
    }

    public Rubric rubric() {
        return rubric;
    }

    /** @param afterSeq the previous page's last store sequence number; 0 for the first page */
    public ReviewPage queue(Principal caller, ReviewFilter filter, long afterSeq, int pageSize) {
        return store.queue(filter.withTenant(ReviewAccess.listingScope(caller, filter.tenant())), afterSeq, pageSize);
    }

    public ReviewClaim claim(Principal caller, String requestId) {
        ReviewStore.Target target = judgeable(caller, requestId);
        return store.claim(target, caller.name(), claimDuration);
    }

    public void release(Principal caller, String requestId) {
        store.release(judgeable(caller, requestId), caller.name());
    }

    /**
     * @throws InvalidArgument for a verdict not in the rubric or a comment over {@link #MAX_COMMENT_CHARS}
     */
    public StoredVerdict record(Principal caller, String requestId, String verdict, String comment) {
        Rubric.Value value = rubric.require(verdict);
        InvalidArgument.requireMaxLength("comment", comment, MAX_COMMENT_CHARS);
        ReviewStore.Target target = judgeable(caller, requestId);
        String verdictId = UUID.randomUUID().toString();
        return store.record(
                target,
                caller.name(),
                at -> ReviewMapper.newVerdict(
                        verdictId,
                        target.tenant(),
                        target.eventId(),
                        target.requestId(),
                        caller.name(),
                        value,
                        comment,
                        at));
    }

    public ReviewHistory history(Principal caller, String requestId) {
        return store.history(readable(caller, requestId));
    }

    /** The item's stored event (what the console shows a reviewer), answered like {@link #history}. */
    public StoredEvent event(Principal caller, String requestId) {
        ReviewStore.Target target = readable(caller, requestId);
        return events.findByRequestId(target.requestId()).orElseThrow(() -> notFound(requestId));
    }

    /**
     * "Think more": the router continues the item's request with {@code extraThinkingTokens} more thinking, as the
     * request's own tenant (the router checks the budget against its tier); the continuation is audited like any
     * request and names this one as the request it continued. Only those who may judge the item may ask.
     *
     * @throws InvalidArgument when {@code extraThinkingTokens} is below 1
     */
    public ReasonResponse thinkMore(Principal caller, String requestId, int extraThinkingTokens) {
        if (extraThinkingTokens < 1) {
            throw new InvalidArgument("extra_thinking_tokens", "must be at least 1, was " + extraThinkingTokens);
        }
        ReviewStore.Target target = judgeable(caller, requestId);
        return router.continueReasoning(target.requestId(), target.tenant(), extraThinkingTokens);
    }

    /** Cut counts, backlog and verdicts per tier, of the tenants the caller may read ({@code ""}: all it may). */
    public ReviewOverview overview(Principal caller, String tenant) {
        return overviews.overview(ReviewAccess.listingScope(caller, tenant));
    }

    /** Export needs an audit role ({@code compliance}, or {@code auditor} of the tenant): reviewers judge only. */
    public void export(Principal caller, ReviewFilter filter, Consumer<ExportRow> sink) {
        AuditAccess.requireAuditRole(caller);
        store.export(filter.withTenant(AuditAccess.listingScope(caller, filter.tenant())), sink);
    }

    private ReviewStore.Target readable(Principal caller, String requestId) {
        ReviewAccess.requireReviewRole(caller);
        return store.find(requestId)
                .filter(target -> ReviewAccess.mayRead(caller, target.tenant()))
                .orElseThrow(() -> notFound(requestId));
    }

    private static DomainException notFound(String requestId) {
        return new DomainException(
                Status.Code.NOT_FOUND,
                "no review item for request '" + Echo.bounded(requestId) + "' (only audited requests are "
                        + "reviewed: every request of an `audit: all` tier, cut requests of the others)");
    }

    private ReviewStore.Target judgeable(Principal caller, String requestId) {
        ReviewStore.Target target = readable(caller, requestId);
        ReviewAccess.requireJudge(caller, target.tenant());
        return target;
    }
}
