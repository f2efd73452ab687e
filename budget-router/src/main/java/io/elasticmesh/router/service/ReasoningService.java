package io.elasticmesh.router.service;

import io.elasticmesh.conversation.PhaseEvent;
import io.elasticmesh.conversation.Sampling;
import io.elasticmesh.edge.DomainException;
import io.elasticmesh.edge.Echo;
import io.elasticmesh.edge.InvalidArgument;
import io.elasticmesh.router.Admitted;
import io.elasticmesh.router.AuditSink;
import io.elasticmesh.router.Budget;
import io.elasticmesh.router.BudgetPolicy;
import io.elasticmesh.router.Continuer;
import io.elasticmesh.router.EarlierRequest;
import io.elasticmesh.router.ReasonCommand;
import io.elasticmesh.router.ReasonEvent;
import io.elasticmesh.router.ReasonResult;
import io.elasticmesh.router.SolutionPhase;
import io.elasticmesh.router.ThinkingHold;
import io.elasticmesh.router.ThinkingPhase;
import io.elasticmesh.router.client.AuditClient;
import io.elasticmesh.router.client.DecoderClient;
import io.elasticmesh.router.client.SolutionClient;
import io.elasticmesh.telemetry.StreamSpan;
import io.elasticmesh.telemetry.TraceAttributes;
import io.grpc.Deadline;
import io.grpc.Status;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Elastic Reasoning for one request: admission fixes the tier, (t, s) and the deadline, the decoder thinks for at
 * most t tokens (or its share of the deadline), the solution service answers within s, and a cut thinking phase is
 * published for audit and held for continuation (and read back from the audit store when not held). Both phases stream; the unary forms are the streams' last events.
 * <p>
 * Each admitted request is one {@code chat {model}} span (GenAI conventions plus the mesh's {@code elastic.*}
 * attributes), parent of both phases and of the audit event's publication.
 */
@ApplicationScoped
public class ReasoningService {

    private static final String EXTRA_THINKING_FIELD = "extra_thinking_tokens";

    private final Admission admission;
    private final DecoderClient decoder;
    private final SolutionClient solution;
    private final AuditSink audit;
    private final ThinkingHold hold;
    private final AuditClient auditStore;
    private final Tracer tracer;
    private final ShadowEvaluation shadows;

    public ReasoningService(
            Admission admission,
            DecoderClient decoder,
            SolutionClient solution,
            AuditSink audit,
            ThinkingHold hold,
            AuditClient auditStore,
            Tracer tracer,
            ShadowEvaluation shadows) {
        this.admission = admission;
        this.decoder = decoder;
        this.solution = solution;
        this.audit = audit;
        this.hold = hold;
        this.auditStore = auditStore;
        this.tracer = tracer;
        this.shadows = shadows;
    }

    /**
     * @param callerDeadline the client's gRPC deadline, or null; the earlier of it and the tier's deadline applies
     */
    public Multi<ReasonEvent> stream(ReasonCommand command, Deadline callerDeadline) {
        return events(command, callerDeadline, true);
    }

    /** As {@link #stream}, but the phases are called unary: nobody reads their text until it is complete. */
    public Uni<ReasonResult> reason(ReasonCommand command, Deadline callerDeadline) {
        return completion(events(command, callerDeadline, false));
    }

    private Multi<ReasonEvent> events(ReasonCommand command, Deadline callerDeadline, boolean deltas) {
        Context call = Context.current();
        return admission.admit(command, callerDeadline, admitted -> {
            String requestId = UUID.randomUUID().toString();
            return run(
                    call,
                    requestId,
                    command,
                    admitted,
                    deltas,
                    Optional.empty(),
                    () -> decoder.think(requestId, command.conversation(), admitted, deltas));
        });
    }

    /**
     * Thinks up to {@code extraThinkingTokens} more after a cut request's thinking, then answers afresh, under the
     * same admission as any request of its tier, as the request's tenant. The request comes from this router's hold,
     * else from the audit store (any replica, any time while its event is retained). The continuation is always
     * audited, linked to the request it continued.
     *
     * @throws DomainException NOT_FOUND when neither holds the request, PERMISSION_DENIED when the caller may not
     *     continue it (another tenant's), FAILED_PRECONDITION when its thinking was not cut or its audit event
     *     lacks the prompt, UNAVAILABLE when it is not held and audit-service cannot be read
     */
    public Uni<ReasonResult> continueReasoning(
            String requestId, long extraThinkingTokens, Continuer caller, Deadline callerDeadline) {
        Context call = Context.current();
        return completion(Multi.createFrom().deferred(() -> {
            if (extraThinkingTokens < 1) {
                throw new InvalidArgument(EXTRA_THINKING_FIELD, "must be at least 1, was " + extraThinkingTokens);
            }
            Uni<EarlierRequest> earlier = hold.find(requestId)
                    .map(held -> Uni.createFrom().item(EarlierRequest.of(held)))
                    .orElseGet(() -> auditStore.earlier(requestId, callerDeadline));
            return earlier.onItem()
                    .transformToMulti(
                            e -> continued(call, continuable(e, caller), extraThinkingTokens, callerDeadline));
        }));
    }

    /** @throws DomainException PERMISSION_DENIED before FAILED_PRECONDITION, so another tenant learns nothing more */
    private static EarlierRequest continuable(EarlierRequest earlier, Continuer caller) {
        String id = Echo.bounded(earlier.requestId());
        if (!caller.mayContinue(earlier.tenant())) {
            throw new DomainException(Status.Code.PERMISSION_DENIED, "request '" + id + "' belongs to another tenant");
        }
        if (!earlier.thinking().truncated()) {
            throw new DomainException(
                    Status.Code.FAILED_PRECONDITION,
                    "request '" + id + "' cannot be continued: its thinking was not cut (the model closed it)");
        }
        if (earlier.thinking().prompt().isEmpty()) {
            throw new DomainException(
                    Status.Code.FAILED_PRECONDITION,
                    "request '" + id + "' cannot be continued: its audit event was recorded before the mesh stored "
                            + "the rendered prompt");
        }
        return earlier;
    }

    private Multi<ReasonEvent> continued(
            Context call, EarlierRequest earlier, long extraThinkingTokens, Deadline callerDeadline) {
        // The request's tenant, which was admitted to this tier then; the caller may continue it (continuable).
        ReasonCommand command = new ReasonCommand(
                earlier.conversation(),
                earlier.tier(),
                earlier.tenant(),
                false,
                OptionalLong.of(extraThinkingTokens),
                OptionalInt.empty(),
                false,
                EXTRA_THINKING_FIELD,
                earlier.sampling());
        return admission.admit(command, callerDeadline, admitted -> {
            String continuationId = UUID.randomUUID().toString();
            return run(
                    call,
                    continuationId,
                    command,
                    admitted,
                    false,
                    Optional.of(earlier.requestId()),
                    () -> decoder.resume(continuationId, earlier.thinking(), admitted, false));
        });
    }

    /**
     * One admitted request while it runs. {@code context}: its span's, current for its downstream calls;
     * {@code continued}: the request a continuation continues.
     */
    private record Request(
            String id,
            ReasonCommand command,
            Admitted admitted,
            boolean deltas,
            Optional<String> continued,
            Context context) {}

    /**
     * Thinks, then answers from the thinking, then records the answer: one stream of the request's events.
     *
     * @param call the context of the call that asked, the request span's parent (admission may grant the slot on
     *     another thread)
     * @param deltas whether the phases stream their text (see {@link DecoderClient#think})
     */
    private Multi<ReasonEvent> run(
            Context call,
            String requestId,
            ReasonCommand command,
            Admitted admitted,
            boolean deltas,
            Optional<String> continued,
            Supplier<Multi<PhaseEvent<ThinkingPhase>>> thinking) {
        try (Scope ignored = call.makeCurrent()) {
            return StreamSpan.around(requestSpan(requestId, admitted), span -> {
                Request request = new Request(requestId, command, admitted, deltas, continued, Context.current());
                return thinking.get()
                        .onFailure()
                        .transform(f -> missedDeadline(f, "thinking", admitted))
                        .onItem()
                        .transformToMultiAndConcatenate(event -> afterThinking(request, event))
                        .invoke(event -> {
                            if (event instanceof ReasonEvent.Completed completed) {
                                answered(request, span, completed.result());
                            }
                        });
            });
        }
    }

    /** A thinking delta passes on; the end of thinking is announced and starts the answer. */
    private Multi<ReasonEvent> afterThinking(Request request, PhaseEvent<ThinkingPhase> event) {
        if (event instanceof PhaseEvent.Delta<ThinkingPhase> delta) {
            return Multi.createFrom().<ReasonEvent>item(new ReasonEvent.ThinkingDelta(delta.text(), delta.tokens()));
        }
        ThinkingPhase thought = ((PhaseEvent.Done<ThinkingPhase>) event).result();
        long thoughtNanos = System.nanoTime();
        Budget budget = budgetAfter(request.admitted(), thought);
        return Multi.createBy()
                .concatenating()
                .streams(
                        Multi.createFrom().item(new ReasonEvent.ThinkingEnded(thought)),
                        answer(request, thought, budget).map(step -> {
                            if (step instanceof PhaseEvent.Delta<SolutionPhase> delta) {
                                return new ReasonEvent.SolutionDelta(delta.text(), delta.tokens());
                            }
                            SolutionPhase solved = ((PhaseEvent.Done<SolutionPhase>) step).result();
                            return new ReasonEvent.Completed(result(request, budget, thought, thoughtNanos, solved));
                        }));
    }

    /**
     * The admitted budget as thinking left it: t lowered when the decoder lowered it (the request's prompt, t and s
     * did not fit the context window), s raised by the thinking the tier rolls over.
     */
    private static Budget budgetAfter(Admitted admitted, ThinkingPhase thought) {
        Budget admittedBudget = admitted.budget();
        Budget fitted = thought.budgetTokens() > 0 && thought.budgetTokens() < admittedBudget.thinkingTokens()
                ? admittedBudget.fittedToContextWindow(thought.budgetTokens())
                : admittedBudget;
        return fitted.withRollover(
                BudgetPolicy.rollover(admitted.tier(), fitted, thought.tokens(), thought.truncated()));
    }

    /** The solution phase, a child of the request's span. */
    private Multi<PhaseEvent<SolutionPhase>> answer(Request request, ThinkingPhase thought, Budget budget) {
        Admitted admitted = request.admitted();
        try (Scope inRequest = request.context().makeCurrent()) {
            return solution.solve(
                            request.id(),
                            admitted.tier().model(),
                            thought,
                            budget.solutionTokens(),
                            admitted.sampling(),
                            admitted.deadline(),
                            request.deltas())
                    .onFailure()
                    .transform(f -> missedDeadline(f, "solution", admitted));
        }
    }

    /** @param thoughtNanos when thinking ended, as {@link System#nanoTime()} */
    private static ReasonResult result(
            Request request, Budget budget, ThinkingPhase thought, long thoughtNanos, SolutionPhase solved) {
        Admitted admitted = request.admitted();
        ReasonCommand command = request.command();
        long end = System.nanoTime();
        ReasonResult.Timings timings = new ReasonResult.Timings(
                millis(thoughtNanos - admitted.startNanos()),
                millis(end - thoughtNanos),
                millis(end - admitted.startNanos()));
        return new ReasonResult(
                request.id(),
                admitted.receivedAt(),
                admitted.tenant(),
                admitted.tier(),
                budget,
                admitted.deadlineMs(),
                command.conversation(),
                thought,
                solved,
                timings,
                admitted.configVersion(),
                new ReasonResult.Requested(
                        requestedThinking(command), command.solutionBudgetTokens(), command.sampling()),
                admitted.sampling(),
                request.continued());
    }

    /**
     * An answer is traced, held for continuation when its thinking was cut, and audited as its tier says; a
     * continuation always, so the history of the request it continued shows it, and one its tier sends to review
     * always, as the review queue lists only what is audited (every audit mode covers the cut requests a review rule
     * selects; this keeps it so). Its tier may shadow it ({@link ShadowEvaluation}).
     */
    private void answered(Request request, Span span, ReasonResult result) {
        traced(span, result);
        hold.keep(result);
        try (Scope inRequest = request.context().makeCurrent()) {
            if (result.continuedRequestId().isPresent()
                    || result.reviewRequired()
                    || result.tier().audit().covers(result.thinking().truncated())) {
                audit.publish(result);
            }
        }
        shadows.offer(result);
    }

    /**
     * A deadline missed anyway says what to change. Thinking is cut to keep the answer's reserve at the speed the
     * model shows, so this is an answer that needed more than its reserve (or a deadline shorter than any answer).
     */
    private static Throwable missedDeadline(Throwable failure, String phase, Admitted admitted) {
        Status status = Status.fromThrowable(failure);
        if (status.getCode() != Status.Code.DEADLINE_EXCEEDED) {
            return failure;
        }
        String cause = String.valueOf(status.getDescription());
        return Status.DEADLINE_EXCEEDED
                .withDescription("the request missed its deadline of " + admitted.deadlineMs()
                        + " ms in the " + phase + " phase (" + cause.substring(0, Math.min(200, cause.length())) + "); "
                        + "raise the tier's deadline-ms (or the call's deadline), or lower solution_budget_tokens (was "
                        + admitted.budget().solutionTokens() + ") so the answer fits the time left after thinking")
                .asRuntimeException();
    }

    private SpanBuilder requestSpan(String requestId, Admitted admitted) {
        Budget budget = admitted.budget();
        Sampling sampling = admitted.sampling();
        return tracer.spanBuilder(TraceAttributes.CHAT + " " + admitted.tier().model())
                .setAllAttributes(TraceAttributes.sampling(sampling.temperature(), sampling.topP(), sampling.seed()))
                .setAttribute(TraceAttributes.GEN_AI_OPERATION_NAME, TraceAttributes.CHAT)
                .setAttribute(TraceAttributes.GEN_AI_PROVIDER_NAME, TraceAttributes.PROVIDER)
                .setAttribute(
                        TraceAttributes.GEN_AI_REQUEST_MODEL, admitted.tier().model())
                .setAttribute(
                        TraceAttributes.GEN_AI_REQUEST_MAX_TOKENS,
                        (long) budget.thinkingTokens() + budget.solutionTokens())
                .setAttribute(TraceAttributes.GEN_AI_RESPONSE_ID, requestId)
                .setAttribute(TraceAttributes.ELASTIC_TIER, admitted.tier().name())
                .setAttribute(TraceAttributes.ELASTIC_THINKING_BUDGET_TOKENS, (long) budget.thinkingTokens())
                .setAttribute(TraceAttributes.ELASTIC_SOLUTION_BUDGET_TOKENS, (long) budget.solutionTokens());
    }

    private static void traced(Span span, ReasonResult result) {
        ThinkingPhase thinking = result.thinking();
        SolutionPhase solution = result.solution();
        span.setAttribute(TraceAttributes.GEN_AI_USAGE_INPUT_TOKENS, (long) thinking.promptTokens());
        span.setAttribute(TraceAttributes.GEN_AI_USAGE_OUTPUT_TOKENS, (long) thinking.tokens() + solution.tokens());
        span.setAttribute(
                TraceAttributes.GEN_AI_RESPONSE_FINISH_REASONS, List.of(solution.budgetReached() ? "length" : "stop"));
        span.setAttribute(TraceAttributes.ELASTIC_THINKING_TOKENS, (long) thinking.tokens());
        span.setAttribute(TraceAttributes.ELASTIC_SOLUTION_TOKENS, (long) solution.tokens());
        span.setAttribute(TraceAttributes.ELASTIC_FORCED_DELIMITERS, (long) solution.forcedDelimiters());
        span.setAttribute(TraceAttributes.ELASTIC_THINKING_TRUNCATED, thinking.truncated());
        if (thinking.truncated()) {
            span.setAttribute(TraceAttributes.ELASTIC_TRUNCATION_REASON, thinking.cutReason());
        }
    }

    /** The thinking budget asked for; admission has checked that it is within the tier's ceiling, so an int. */
    private static OptionalInt requestedThinking(ReasonCommand command) {
        return command.thinkingBudgetTokens().isPresent()
                ? OptionalInt.of((int) command.thinkingBudgetTokens().getAsLong())
                : OptionalInt.empty();
    }

    private static Uni<ReasonResult> completion(Multi<ReasonEvent> events) {
        return events.select().last().toUni().map(last -> ((ReasonEvent.Completed) last).result());
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
