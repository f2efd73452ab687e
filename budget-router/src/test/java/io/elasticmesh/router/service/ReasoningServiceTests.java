package io.elasticmesh.router.service;

import static io.elasticmesh.router.service.Orchestration.ask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.within;

import io.elasticmesh.conversation.Sampling;
import io.elasticmesh.conversation.ThinkingCut;
import io.elasticmesh.edge.ErrorPolicy;
import io.elasticmesh.proto.audit.v1.AuditEvent;
import io.elasticmesh.proto.reasoning.v1.FinishReason;
import io.elasticmesh.proto.reasoning.v1.GenerateSolutionRequest;
import io.elasticmesh.proto.reasoning.v1.GenerateSolutionResponse;
import io.elasticmesh.proto.reasoning.v1.GenerateThinkingRequest;
import io.elasticmesh.proto.reasoning.v1.GenerateThinkingResponse;
import io.elasticmesh.proto.reasoning.v1.TruncationReason;
import io.elasticmesh.router.AdmissionRefused;
import io.elasticmesh.router.CapacityShare;
import io.elasticmesh.router.Continuer;
import io.elasticmesh.router.LeasedQuotas;
import io.elasticmesh.router.LiveReplicas;
import io.elasticmesh.router.QuotaStoreUnavailable;
import io.elasticmesh.router.ReasonCommand;
import io.elasticmesh.router.ReasonEvent;
import io.elasticmesh.router.ReasonResult;
import io.elasticmesh.router.TokenQuotas;
import io.elasticmesh.router.mapping.ReasonMapper;
import io.elasticmesh.router.service.PhaseFakes.Call;
import io.elasticmesh.router.service.PhaseFakes.Script;
import io.elasticmesh.telemetry.TraceAttributes;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ReasoningService with the real Admission, clients and stubs against scripted in-process fakes of decoder-service
 * and solution-service ({@link Orchestration}): what the phases are asked, what the client gets, what is audited
 * and held, and that every way a request ends gives its slot back and charges its tenant only for an answer.
 */
class ReasoningServiceTests {

    private static final Duration PATIENCE = Duration.ofSeconds(PhaseFakes.PATIENCE_SECONDS);
    private static final int PROMPT_TOKENS = 7;
    private static final String ANSWER = "42";
    private static final int ANSWER_TOKENS = 3;

    @TempDir
    Path dir;

    private Orchestration mesh;
    private LeasedQuotas leased;
    private ExecutorService leasing;

    @BeforeEach
    void wire() {
        mesh = new Orchestration(dir);
        mesh.solution.script = answers(ANSWER);
    }

    @AfterEach
    void unwire() {
        mesh.close();
        if (leasing != null) {
            leasing.shutdownNow();
        }
    }

    // --- the phases and what the client sees ---

    @Test
    void aStreamedRequestEmitsTheThinkingItsEndThenTheAnswer() {
        mesh.decoder.script = closesAfter(3);

        List<ReasonEvent> events = streamed(ask("acme", "plain", "why?"));

        assertThat(events)
                .extracting(e -> e.getClass().getSimpleName())
                .containsExactly(
                        "ThinkingDelta",
                        "ThinkingDelta",
                        "ThinkingDelta",
                        "ThinkingEnded",
                        "SolutionDelta",
                        "Completed");
        ReasonResult result = ((ReasonEvent.Completed) events.get(events.size() - 1)).result();
        assertThat(result.thinking().text()).isEqualTo("w0 w1 w2 ");
        assertThat(result.solution().text()).isEqualTo(ANSWER);
        assertThat(mesh.decoder.seen.streamed).containsExactly(true);
        assertThat(mesh.solution.seen.streamed).containsExactly(true);
        // The answer continues exactly from the thinking the decoder reported, under the same request id.
        GenerateThinkingRequest thought = mesh.decoder.seen.only();
        GenerateSolutionRequest asked = mesh.solution.seen.only();
        assertThat(asked.getRequestId()).isEqualTo(thought.getRequestId()).isEqualTo(result.requestId());
        assertThat(asked.getPromptText()).isEqualTo("<prompt>why?<think>");
        assertThat(asked.getThinkingText()).isEqualTo("w0 w1 w2 ");
        assertThat(asked.getThinkingClosedByModel()).isTrue();
        assertThat(thought.getThinkingBudgetTokens()).isEqualTo(64);
        assertThat(thought.getSolutionBudgetTokens()).isEqualTo(32);
    }

    @Test
    void aUnaryRequestCallsBothPhasesUnary() {
        mesh.decoder.script = closesAfter(3);

        ReasonResult result = answered(ask("acme", "plain", "why?"));

        assertThat(result.solution().text()).isEqualTo(ANSWER);
        assertThat(mesh.decoder.seen.streamed).containsExactly(false);
        assertThat(mesh.solution.seen.streamed).containsExactly(false);
    }

    // --- rollover ---

    @Test
    void rolloverGivesTheAnswerItsBudgetPlusTheThinkingTheDecoderReportsUnused() {
        mesh.decoder.script = closesAfter(20);

        ReasonResult result = answered(ask("acme", "rollover", "why?"));

        assertThat(mesh.solution.seen.only().getSolutionBudgetTokens()).isEqualTo(32 + (64 - 20));
        assertThat(result.budget().solutionTokens()).isEqualTo(76);
        assertThat(result.budget().solutionRolloverTokens()).isEqualTo(44);
    }

    @Test
    void rolloverCountsFromTheThinkingBudgetTheDecoderApplied() {
        // The decoder lowered t to 40 to fit the context window, then the model used 20 of them.
        mesh.decoder.script = call -> thought(call, 20)
                .setThinkingBudgetTokens(40)
                .setClosedByModel(true)
                .setFinishReason(FinishReason.FINISH_REASON_STOP)
                .build();

        ReasonResult result = answered(ask("acme", "rollover", "why?"));

        assertThat(mesh.solution.seen.only().getSolutionBudgetTokens()).isEqualTo(32 + (40 - 20));
        assertThat(result.budget().thinkingTokens()).isEqualTo(40);
        assertThat(result.budget().thinkingClamped()).isTrue();
    }

    @Test
    void noRolloverAfterACutNorOnATierWithoutIt() {
        mesh.decoder.script = cutAtBudget();
        answered(ask("acme", "rollover", "cut"));
        mesh.decoder.script = closesAfter(20);
        answered(ask("acme", "plain", "closed"));

        assertThat(mesh.solution.seen.requests)
                .extracting(GenerateSolutionRequest::getSolutionBudgetTokens)
                .containsExactly(32, 32);
    }

    // --- cut → audit and hold ---

    @Test
    void aCutRequestIsAuditedExactlyOnceWithItsCutThinking() {
        mesh.decoder.script = cutAtBudget();

        ReasonResult result = answered(ask("acme", "plain", "why?"));

        assertThat(result.thinking().cut()).isEqualTo(ThinkingCut.TOKEN_BUDGET);
        assertThat(mesh.audited).hasSize(1);
        AuditEvent event = mesh.audited.get(0);
        assertThat(event.getTenant()).isEqualTo("acme");
        assertThat(event.getRequest().getTier()).isEqualTo("plain");
        assertThat(event.getResponse().getRequestId()).isEqualTo(result.requestId());
        assertThat(event.getResponse().getThinkingText())
                .isEqualTo(result.thinking().text())
                .startsWith("w0 ")
                .endsWith(" w63 ");
        assertThat(event.getResponse().getThinkingTruncated()).isTrue();
        assertThat(event.getResponse().getTruncationReason())
                .isEqualTo(TruncationReason.TRUNCATION_REASON_TOKEN_BUDGET);
        assertThat(event.getResponse().getSolutionText()).isEqualTo(ANSWER);
        // The answer was asked to close the cut thinking itself.
        assertThat(mesh.solution.seen.only().getThinkingClosedByModel()).isFalse();
    }

    @Test
    void aClosedRequestIsAuditedOnlyOnATierThatAuditsAll() {
        mesh.decoder.script = closesAfter(5);

        answered(ask("acme", "plain", "not audited"));
        ReasonResult all = answered(ask("acme", "every", "audited"));

        assertThat(mesh.audited).extracting(e -> e.getResponse().getRequestId()).containsExactly(all.requestId());
        assertThat(mesh.audited.get(0).getResponse().getThinkingTruncated()).isFalse();
    }

    @Test
    void theAuditEventSaysWhetherTheTiersReviewRuleSentTheRequestToAPerson() {
        mesh.decoder.script = cutAtBudget();
        ReasonResult reviewed = answered(ask("acme", "reviewed", "cut, all-cut"));
        ReasonResult plain = answered(ask("acme", "plain", "cut, none"));
        mesh.decoder.script = closesAfter(5);
        ReasonResult closed = answered(ask("acme", "reviewed", "not cut, audited all"));

        assertThat(mesh.audited)
                .extracting(e -> e.getResponse().getRequestId())
                .containsExactly(reviewed.requestId(), plain.requestId(), closed.requestId());
        assertThat(mesh.audited)
                .extracting(e -> e.getReview().getRule() + ":" + e.getReview().getRequired())
                .containsExactly("all-cut:true", "none:false", "all-cut:false");
    }

    @Test
    void aFailedRequestIsNeitherAuditedNorHeld() {
        mesh.decoder.script = cutAtBudget();
        mesh.solution.script = call -> {
            throw Status.UNAVAILABLE.withDescription("solution down").asRuntimeException();
        };

        assertThat(failureOf(() -> answered(ask("acme", "plain", "why?")))).isEqualTo(Status.Code.UNAVAILABLE);

        assertThat(mesh.audited).isEmpty();
        String id = mesh.decoder.seen.only().getRequestId();
        assertThat(failureOf(() -> continued(id, 8, "acme"))).isEqualTo(Status.Code.NOT_FOUND);
    }

    // --- deadlines ---

    @Test
    void aDeadlineCutEndsThinkingAndStillGetsAnAnswer() {
        mesh.decoder.script = untilThinkingDeadline();
        Deadline caller = Deadline.after(1600, TimeUnit.MILLISECONDS);

        ReasonResult result = mesh.service
                .reason(ask("acme", "rollover", "why?", 8), caller)
                .await()
                .atMost(PATIENCE);

        // The answer's reserve at the assumed speed (router.split defaults: (500 ms + 8 × 50 ms) × 1.5 = 1350 ms)
        // is kept out of the thinking phase's share of the caller's 1600 ms.
        long share = mesh.decoder.seen.only().getThinkingDeadlineMs();
        assertThat(share).isBetween(1L, 1600L - 1350L);
        assertThat(result.thinking().cut()).isEqualTo(ThinkingCut.DEADLINE);
        assertThat(result.solution().text()).isEqualTo(ANSWER);
        assertThat(mesh.solution.seen.only().getThinkingText())
                .isEqualTo(result.thinking().text())
                .isNotEmpty();
        // Cut for time: nothing rolls over, a longer answer would not fit either.
        assertThat(mesh.solution.seen.only().getSolutionBudgetTokens()).isEqualTo(8);
        assertThat(mesh.audited).hasSize(1);
    }

    @Test
    void aThinkingPhaseThatNeverAnswersFailsAtTheDeadlineNamingThePhase() throws InterruptedException {
        mesh.decoder.script = Call::awaitCancellation;

        assertThatThrownBy(() -> mesh.service
                        .reason(ask("metered", "plain", "why?"), Deadline.after(200, TimeUnit.MILLISECONDS))
                        .await()
                        .atMost(PATIENCE))
                .satisfies(f -> {
                    Status status = Status.fromThrowable(f);
                    assertThat(status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
                    assertThat(status.getDescription())
                            .contains("in the thinking phase")
                            .contains("solution_budget_tokens (was 32)");
                });

        assertThat(mesh.decoder.seen.sawCancellation()).isTrue();
        assertThat(mesh.solution.seen.requests).isEmpty();
        assertSlotAndQuotaReturned();
    }

    // --- continuation ---

    @Test
    void aHeldCutRequestContinuesFromItsThinkingWithTheExtraBudget() {
        mesh.decoder.script = cutAtBudget();
        ReasonResult cut = answered(ask("acme", "plain", "why?"));
        mesh.decoder.script = closesAfter(5);

        ReasonResult more = continued(cut.requestId(), 50, "acme");

        GenerateThinkingRequest resumed = mesh.decoder.seen.last();
        assertThat(resumed.getMessagesList()).isEmpty();
        assertThat(resumed.getContinuation().getPromptText())
                .isEqualTo(cut.thinking().prompt());
        assertThat(resumed.getContinuation().getThinkingText())
                .isEqualTo(cut.thinking().text());
        assertThat(resumed.getThinkingBudgetTokens()).isEqualTo(50);
        assertThat(more.requestId()).isNotEqualTo(cut.requestId()).isEqualTo(resumed.getRequestId());
        assertThat(more.tier().name()).isEqualTo("plain");
        assertThat(more.thinking().text()).isEqualTo(cut.thinking().text() + "w0 w1 w2 w3 w4 ");
        assertThat(mesh.solution.seen.last().getThinkingText())
                .isEqualTo(more.thinking().text());
        assertThat(more.solution().text()).isEqualTo(ANSWER);
        // Held: the audit store is not asked. The continuation is audited although not cut, linked to the request.
        assertThat(mesh.auditStore.seen.requests).isEmpty();
        assertThat(mesh.audited).hasSize(2);
        assertThat(mesh.audited.get(1).getContinuedRequestId()).isEqualTo(cut.requestId());
        assertThat(mesh.audited.get(1).getResponse().getRequestId()).isEqualTo(more.requestId());
    }

    @Test
    void aCutRequestNoReplicaHoldsContinuesFromItsAuditEvent() {
        mesh.decoder.script = cutAtBudget();
        ReasonResult cut = answered(ask("acme", "plain", "why?"));
        assertThat(mesh.audited.get(0).getThinkingPromptText())
                .isEqualTo(cut.thinking().prompt());
        mesh.decoder.script = closesAfter(5);

        ReasonResult more = continuedOn(mesh.otherReplica, cut.requestId(), 50, new Continuer("acme", false));

        assertThat(mesh.auditStore.seen.only().getRequestId()).isEqualTo(cut.requestId());
        GenerateThinkingRequest resumed = mesh.decoder.seen.last();
        assertThat(resumed.getContinuation().getPromptText())
                .isEqualTo(cut.thinking().prompt());
        assertThat(resumed.getContinuation().getThinkingText())
                .isEqualTo(cut.thinking().text());
        assertThat(resumed.getThinkingBudgetTokens()).isEqualTo(50);
        assertThat(more.tenant()).isEqualTo("acme");
        assertThat(more.tier().name()).isEqualTo("plain");
        assertThat(more.conversation()).isEqualTo(cut.conversation());
        assertThat(more.thinking().text()).isEqualTo(cut.thinking().text() + "w0 w1 w2 w3 w4 ");
        assertThat(more.continuedRequestId()).contains(cut.requestId());
        assertThat(mesh.audited).extracting(AuditEvent::getContinuedRequestId).containsExactly("", cut.requestId());
        assertThat(mesh.inFlight("plain")).isZero();
    }

    @Test
    void fromTheAuditStoreAnotherTenantIsRefusedAndTheComplianceRoleMayContinueForTheTenant() {
        mesh.decoder.script = cutAtBudget();
        ReasonResult cut = answered(ask("acme", "plain", "why?"));
        mesh.decoder.script = closesAfter(5);

        assertThatThrownBy(() -> continuedOn(mesh.otherReplica, cut.requestId(), 8, new Continuer("rival", false)))
                .satisfies(f -> assertStatus(f, Status.Code.PERMISSION_DENIED, "belongs to another tenant"));
        assertThat(mesh.decoder.seen.requests).hasSize(1);

        // The review console's principal continues for a reviewer it checked; the request's tenant is admitted.
        ReasonResult more = continuedOn(mesh.otherReplica, cut.requestId(), 8, new Continuer("compliance-team", true));
        assertThat(more.tenant()).isEqualTo("acme");
    }

    @Test
    void aRequestNotHeldWhileTheAuditStoreIsDownIsUnavailableAndTakesNoSlot() {
        mesh.decoder.script = cutAtBudget();
        String cut = answered(ask("acme", "plain", "why?")).requestId();
        mesh.auditStore.down = true;

        assertThatThrownBy(() -> continuedOn(mesh.otherReplica, cut, 8, new Continuer("acme", false)))
                .satisfies(f -> assertStatus(f, Status.Code.UNAVAILABLE, "audit-service"));

        assertThat(mesh.decoder.seen.requests).hasSize(1);
        assertThat(mesh.inFlight("plain")).isZero();
        // The replica that holds it does not need the audit store.
        assertThat(continued(cut, 8, "acme").continuedRequestId()).contains(cut);
    }

    @Test
    void anAuditedRequestWhoseThinkingWasNotCutCannotBeContinued() {
        mesh.decoder.script = closesAfter(5);
        String closed = answered(ask("acme", "every", "why?")).requestId();

        assertThatThrownBy(() -> continued(closed, 8, "acme"))
                .satisfies(f -> assertStatus(f, Status.Code.FAILED_PRECONDITION, "not cut"));
        assertThatThrownBy(() -> continued("never-asked", 8, "acme"))
                .satisfies(f -> assertStatus(f, Status.Code.NOT_FOUND, "'never-asked'"));
        assertThat(mesh.auditStore.seen.requests).hasSize(2);
    }

    @Test
    void anAuditEventWithoutItsPromptCannotBeContinued() {
        mesh.decoder.script = cutAtBudget();
        String cut = answered(ask("acme", "plain", "why?")).requestId();
        mesh.audited.set(
                0, mesh.audited.get(0).toBuilder().clearThinkingPromptText().build());

        assertThatThrownBy(() -> continuedOn(mesh.otherReplica, cut, 8, new Continuer("acme", false)))
                .satisfies(f -> assertStatus(f, Status.Code.FAILED_PRECONDITION, "prompt"));
    }

    @Test
    void onlyAHeldCutRequestOfTheSameTenantCanBeContinued() {
        mesh.decoder.script = cutAtBudget();
        String cut = answered(ask("acme", "plain", "cut")).requestId();
        mesh.decoder.script = closesAfter(5);
        String closed = answered(ask("acme", "plain", "closed")).requestId();

        assertThat(failureOf(() -> continued(cut, 8, "rival"))).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(failureOf(() -> continued(closed, 8, "acme"))).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(failureOf(() -> continued("unknown", 8, "acme"))).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(failureOf(() -> continued(cut, 0, "acme"))).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(failureOf(() -> continued(cut, 65, "acme"))).isEqualTo(Status.Code.OUT_OF_RANGE);
        assertThat(mesh.decoder.seen.requests).hasSize(2);
        assertThat(mesh.inFlight("plain")).isZero();
    }

    // --- sampling ---

    @Test
    void bothPhasesGetTheSamplingTheTierAppliedAndTheReplyAndAuditSayWhichWasAskedAndApplied() {
        mesh.decoder.script = cutAtBudget();
        Sampling asked = new Sampling(OptionalDouble.of(0.8), OptionalDouble.empty(), OptionalLong.of(7));

        ReasonResult result = answered(ask("acme", "sampled", "why?", asked));

        // 0.8 as sent, top_p the tier's pin, the seed as sent: the same to both phases.
        var applied = io.elasticmesh.proto.reasoning.v1.Sampling.newBuilder()
                .setTemperature(0.8f)
                .setTopP(0.95f)
                .setSeed(7)
                .build();
        assertThat(mesh.decoder.seen.only().getSampling()).isEqualTo(applied);
        assertThat(mesh.solution.seen.only().getSampling()).isEqualTo(applied);
        assertThat(ReasonMapper.toResponse(result).getSampling()).isEqualTo(applied);
        AuditEvent event = mesh.audited.get(0);
        assertThat(event.getResponse().getSampling()).isEqualTo(applied);
        assertThat(event.getRequest().getSampling())
                .isEqualTo(io.elasticmesh.proto.reasoning.v1.Sampling.newBuilder()
                        .setTemperature(0.8f)
                        .setSeed(7)
                        .build());
        // The request's span says what was applied, as the decimals the client wrote.
        assertThat(mesh.spans)
                .filteredOn(span -> span.getName().equals("chat fake"))
                .singleElement()
                .satisfies(span -> {
                    assertThat(span.getAttributes().get(TraceAttributes.GEN_AI_REQUEST_TEMPERATURE))
                            .isEqualTo(0.8);
                    assertThat(span.getAttributes().get(TraceAttributes.GEN_AI_REQUEST_TOP_P))
                            .isEqualTo(0.95);
                    assertThat(span.getAttributes().get(TraceAttributes.GEN_AI_REQUEST_SEED))
                            .isEqualTo(7L);
                });
    }

    @Test
    void aRequestWithoutSamplingGetsTheTiersDefaultsAndOtherTiersLeaveItToTheModel() {
        mesh.decoder.script = closesAfter(3);

        answered(ask("acme", "sampled", "why?"));
        answered(ask("acme", "plain", "why?"));

        assertThat(mesh.decoder.seen.requests.get(0).getSampling())
                .isEqualTo(io.elasticmesh.proto.reasoning.v1.Sampling.newBuilder()
                        .setTemperature(0.6f)
                        .setTopP(0.95f)
                        .build());
        assertThat(mesh.decoder.seen.requests.get(1).getSampling().getAllFields())
                .isEmpty();
        assertThat(mesh.solution.seen.requests.get(1).getSampling().getAllFields())
                .isEmpty();
    }

    @Test
    void samplingOutsideTheTiersBoundsIsRefusedBeforeAnyPhaseNamingTheFieldAndGivesTheSlotBack() {
        Status refused = ErrorPolicy.toStatus(catchThrowable(() -> answered(ask(
                        "acme",
                        "sampled",
                        "why?",
                        new Sampling(OptionalDouble.of(1.5), OptionalDouble.empty(), OptionalLong.empty())))))
                .getStatus();

        assertThat(refused.getCode()).isEqualTo(Status.Code.OUT_OF_RANGE);
        assertThat(refused.getDescription())
                .isEqualTo("sampling.temperature must be within 0.0..1.0 on tier 'sampled', was 1.5");
        assertThat(mesh.decoder.seen.requests).isEmpty();
        assertThat(mesh.inFlight("sampled")).isZero();
    }

    @Test
    void aContinuationKeepsTheSamplingTheContinuedRequestWasAnsweredWith() {
        ReasonResult cut = cutWithSampling();

        assertSamplingKept(cut, continued(cut.requestId(), 8, "acme"));
    }

    @Test
    void aContinuationFromTheAuditStoreKeepsTheSamplingTheAuditEventRecordsAsApplied() {
        ReasonResult cut = cutWithSampling();

        ReasonResult more = continuedOn(mesh.otherReplica, cut.requestId(), 8, new Continuer("acme", false));

        assertThat(mesh.auditStore.seen.only().getRequestId()).isEqualTo(cut.requestId());
        assertSamplingKept(cut, more);
    }

    /** A request of the sampled tier with its own temperature and seed, cut; the next request closes thinking. */
    private ReasonResult cutWithSampling() {
        mesh.decoder.script = cutAtBudget();
        ReasonResult cut = answered(ask(
                "acme",
                "sampled",
                "why?",
                new Sampling(OptionalDouble.of(0.3), OptionalDouble.empty(), OptionalLong.of(11))));
        mesh.decoder.script = closesAfter(5);
        return cut;
    }

    private void assertSamplingKept(ReasonResult cut, ReasonResult more) {
        assertThat(more.sampling()).isEqualTo(cut.sampling());
        assertThat(mesh.decoder.seen.last().getSampling())
                .isEqualTo(mesh.decoder.seen.requests.get(0).getSampling());
        assertThat(mesh.solution.seen.last().getSampling().getSeed()).isEqualTo(11);
    }

    // --- admission: the slot and the quota on every path ---

    @Test
    void anAnswerGivesTheSlotBackAndChargesTheTokensUsed() {
        mesh.decoder.script = closesAfter(10);

        answered(ask("metered", "plain", "why?"));

        assertThat(mesh.inFlight("plain")).isZero();
        // 1 token a minute: the bucket is in debt by exactly what the request used (refill is negligible).
        assertThat(mesh.quotaLeft("metered")).isCloseTo(1.0 - (PROMPT_TOKENS + 10 + ANSWER_TOKENS), within(0.1));
        assertThat(answered(ask("acme", "plain", "next")).solution().text()).isEqualTo(ANSWER);
    }

    @Test
    void aFailedThinkingPhaseGivesTheSlotAndQuotaBack() {
        mesh.decoder.script = call -> {
            throw Status.UNAVAILABLE.withDescription("triton down").asRuntimeException();
        };

        assertThat(failureOf(() -> answered(ask("metered", "plain", "why?")))).isEqualTo(Status.Code.UNAVAILABLE);

        assertThat(mesh.solution.seen.requests).isEmpty();
        assertSlotAndQuotaReturned();
    }

    @Test
    void aFailedSolutionPhaseGivesTheSlotAndQuotaBack() {
        mesh.decoder.script = closesAfter(10);
        mesh.solution.script = call -> {
            throw Status.INVALID_ARGUMENT.withDescription("bad").asRuntimeException();
        };

        assertThat(failureOf(() -> answered(ask("metered", "plain", "why?")))).isEqualTo(Status.Code.INVALID_ARGUMENT);

        assertSlotAndQuotaReturned();
    }

    @Test
    void aCancelledRequestCancelsTheDecoderAndGivesTheSlotAndQuotaBack() throws Exception {
        Held held = holdingASlot(ask("metered", "plain", "why?"));
        assertThat(mesh.inFlight("plain")).isEqualTo(1);
        assertThat(failureOf(() -> answered(ask("acme", "plain", "refused while the slot is held"))))
                .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

        held.cancel();

        assertThat(mesh.decoder.seen.sawCancellation()).isTrue();
        assertThat(mesh.solution.seen.requests).isEmpty();
        assertSlotAndQuotaReturned();
    }

    /** A streamed request whose thinking goes on until it is cancelled. */
    private record Held(AssertSubscriber<ReasonEvent> client, Context.CancellableContext call) {

        /**
         * As the gRPC server does when the client cancels: it cancels the stream the service returned (which frees
         * the slot) and the call's context (which cancels the downstream calls made in it).
         */
        void cancel() {
            client.cancel();
            call.cancel(null);
        }
    }

    /** Streams {@code command}, whose thinking never ends, until its first delta shows it holds a slot. */
    private Held holdingASlot(ReasonCommand command) throws Exception {
        mesh.decoder.script = call -> {
            call.delta("w0 ", 1);
            return call.awaitCancellation();
        };
        // The client's call as the gRPC server gives it: its context is cancelled when the client cancels.
        Context.CancellableContext call = Context.current().withCancellation();
        AssertSubscriber<ReasonEvent> client = call.call(() ->
                mesh.service.stream(command, null).subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE)));
        client.awaitItems(1, PATIENCE);
        return new Held(client, call);
    }

    // --- quotas leased from the shared store (router.shared.*) ---

    /** Rewires the mesh with quotas leased from {@code store}, leases taken on a worker thread of their own. */
    private ExecutorService leasingFrom(InMemoryQuotaStore store) {
        ExecutorService blocking = Executors.newSingleThreadExecutor();
        leasing = blocking;
        leased = new LeasedQuotas(store, 0.05, 0, blocking, System::nanoTime);
        mesh.close();
        mesh = new Orchestration(dir, leased, CapacityShare.WHOLE);
        mesh.solution.script = answers(ANSWER);
        mesh.decoder.script = closesAfter(10);
        return blocking;
    }

    @Test
    void aLeasedQuotaAdmitsFromItsSliceAndReportsEveryTokenUsedToTheSharedBucket() throws Exception {
        InMemoryQuotaStore store = new InMemoryQuotaStore();
        ExecutorService blocking = leasingFrom(store);
        int used = PROMPT_TOKENS + 10 + ANSWER_TOKENS;

        for (int i = 0; i < 3; i++) {
            answered(ask("shared", "plain", "why?"));
        }
        blocking.shutdown();
        assertThat(blocking.awaitTermination(PATIENCE.toSeconds(), TimeUnit.SECONDS))
                .isTrue();
        leased.renewAll();

        // 1000 tokens a minute: slices of 50, the first leased by the first request.
        assertThat(store.reportedUsed.get(0)).isZero();
        assertThat(store.totalReportedUsed()).isEqualTo(3L * used);
    }

    @Test
    void aTenantWhoseSharedBucketIsEmptyIsRefusedWithARetryAfterItsDebt() {
        InMemoryQuotaStore store = new InMemoryQuotaStore();
        leasingFrom(store);
        answered(ask("metered", "plain", "why?"));

        // 1 token a minute, a slice of 1: the answer used 20, so the bucket owes 19 and needs a 20th to admit.
        assertThatThrownBy(() -> answered(ask("metered", "plain", "again")))
                .isInstanceOfSatisfying(AdmissionRefused.class, refused -> {
                    assertThat(refused.reason()).isEqualTo(AdmissionRefused.Reason.QUOTA_EXHAUSTED);
                    assertThat(refused.retryAfterNanos()).isCloseTo(20 * 60_000_000_000L, within(1_000_000_000L));
                });
    }

    @Test
    void withTheStoreDownATierThatFailsClosedRefusesUnavailableAndOneThatFailsOpenAdmits() {
        InMemoryQuotaStore store = new InMemoryQuotaStore();
        leasingFrom(store);
        store.reachable = false;

        assertThatThrownBy(() -> answered(ask("shared", "guarded", "why?")))
                .isInstanceOf(QuotaStoreUnavailable.class)
                .hasMessage("tenant 'shared' has no quota tokens left on this router and the shared quota store "
                        + "(router.shared.jdbc-url) is unreachable; tier 'guarded' fails closed (quota-store-outage: "
                        + "fail-closed)");
        assertThat(failureOf(() -> answered(ask("shared", "guarded", "why?")))).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(mesh.decoder.seen.requests).isEmpty();

        assertThat(answered(ask("shared", "plain", "why?")).solution().text()).isEqualTo(ANSWER);

        // Back: the next lease charges what the fail-open request used.
        store.reachable = true;
        answered(ask("shared", "guarded", "why?"));
        assertThat(store.reportedUsed).containsExactly(PROMPT_TOKENS + 10L + ANSWER_TOKENS);
    }

    @Test
    void aStoreTooSlowForTheDeadlineIsAnOutageForTheRequestThatWaitsAndTheLeaseGoesOnForTheNext() {
        InMemoryQuotaStore store = new InMemoryQuotaStore();
        leasingFrom(store);
        CountDownLatch slow = new CountDownLatch(1);
        store.answering = slow;
        try {
            // A 4 s deadline less the solution's reserve (32 tokens at the initial 50 ms each plus 500 ms, x1.5).
            Throwable refused = catchThrowable(() -> mesh.service
                    .reason(ask("shared", "guarded", "why?"), Deadline.after(4, TimeUnit.SECONDS))
                    .await()
                    .atMost(PATIENCE));
            assertThat(refused)
                    .isInstanceOf(QuotaStoreUnavailable.class)
                    .hasMessageMatching(
                            "tenant 'shared' has no quota tokens left on this router and the shared quota "
                                    + "store \\(router.shared.jdbc-url\\) did not answer within the \\d+ ms the request's "
                                    + "deadline left to wait; tier 'guarded' fails closed \\(quota-store-outage: fail-closed\\)");
            assertThat(mesh.decoder.seen.requests).isEmpty();

            ReasonResult admitted = mesh.service
                    .reason(ask("shared", "plain", "why?"), Deadline.after(4, TimeUnit.SECONDS))
                    .await()
                    .atMost(PATIENCE);
            assertThat(admitted.solution().text()).isEqualTo(ANSWER);
        } finally {
            slow.countDown();
        }
        // The lease the first request gave up on went on: the store answers the next request from its slice.
        assertThat(answered(ask("shared", "guarded", "again")).solution().text())
                .isEqualTo(ANSWER);
        assertThat(store.reportedUsed).isNotEmpty();
    }

    // --- concurrency split among live router replicas (router.shared.*) ---

    /** Rewires the mesh as the replica {@code self} of the live ones, its share of every capacity theirs. */
    private LiveReplicas replicaOf(String self, List<String> live) {
        LiveReplicas replicas = new LiveReplicas(self, live, Long.MAX_VALUE, System::nanoTime);
        mesh.close();
        mesh = new Orchestration(dir, new TokenQuotas(), replicas);
        mesh.solution.script = answers(ANSWER);
        mesh.decoder.script = closesAfter(10);
        return replicas;
    }

    @Test
    void aReplicaWithoutAShareOfATiersSlotsRefusesItsRequestsUntilTheReplicaHoldingThemLeaves() {
        // 'plain' has one slot in the whole mesh: the first of the two replicas by id holds it.
        LiveReplicas second = replicaOf("router-1", List.of("router-0", "router-1"));

        assertThatThrownBy(() -> answered(ask("acme", "plain", "why?")))
                .isInstanceOfSatisfying(
                        AdmissionRefused.class,
                        refused -> assertThat(refused.reason()).isEqualTo(AdmissionRefused.Reason.NO_SHARE))
                .hasMessageStartingWith(
                        "tier 'plain' has no slots on this router: its max-concurrent-requests (1) or " + "the file's");
        assertThat(failureOf(() -> answered(ask("acme", "plain", "why?")))).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(mesh.decoder.seen.requests).isEmpty();

        second.seen(List.of("router-1"));

        assertThat(answered(ask("acme", "plain", "why?")).solution().text()).isEqualTo(ANSWER);
    }

    @Test
    void theReplicaHoldingATiersSlotAdmitsNoMoreThanItsShare() throws Exception {
        replicaOf("router-0", List.of("router-0", "router-1"));
        Held held = holdingASlot(ask("acme", "plain", "holds the slot"));

        assertThatThrownBy(() -> answered(ask("acme", "plain", "why?")))
                .isInstanceOfSatisfying(
                        AdmissionRefused.class,
                        refused -> assertThat(refused.reason()).isEqualTo(AdmissionRefused.Reason.QUEUE_FULL));
        held.cancel();
    }

    /** Nothing in flight or waiting, the metered tenant's bucket full, and the slot usable by the next request. */
    private void assertSlotAndQuotaReturned() {
        assertThat(mesh.inFlight("plain")).isZero();
        assertThat(mesh.waiting("plain")).isZero();
        assertThat(mesh.quotaLeft("metered")).isEqualTo(1.0);
        mesh.decoder.script = closesAfter(1);
        mesh.solution.script = answers(ANSWER);
        assertThat(answered(ask("acme", "plain", "next")).solution().text()).isEqualTo(ANSWER);
    }

    // --- driving the service ---

    private ReasonResult answered(ReasonCommand command) {
        return mesh.service.reason(command, null).await().atMost(PATIENCE);
    }

    private List<ReasonEvent> streamed(ReasonCommand command) {
        return mesh.service.stream(command, null)
                .subscribe()
                .withSubscriber(AssertSubscriber.create(Long.MAX_VALUE))
                .awaitCompletion(PATIENCE)
                .getItems();
    }

    private ReasonResult continued(String requestId, long extra, String tenant) {
        return continuedOn(mesh.service, requestId, extra, new Continuer(tenant, false));
    }

    private static ReasonResult continuedOn(ReasoningService replica, String requestId, long extra, Continuer caller) {
        return replica.continueReasoning(requestId, extra, caller, null).await().atMost(PATIENCE);
    }

    private static void assertStatus(Throwable failure, Status.Code code, String messagePart) {
        StatusRuntimeException status = ErrorPolicy.toStatus(failure);
        assertThat(status.getStatus().getCode()).isEqualTo(code);
        assertThat(status.getStatus().getDescription()).contains(messagePart);
    }

    private static Status.Code failureOf(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            return ErrorPolicy.codeOf(e);
        }
        throw new AssertionError("the call succeeded");
    }

    // --- what the fakes answer ---

    /** The rendered prompt the fake decoder reports: the question between the template's markers. */
    private static String prompt(GenerateThinkingRequest request) {
        return request.hasContinuation()
                ? request.getContinuation().getPromptText()
                : "<prompt>" + request.getMessages(0).getContent() + "<think>";
    }

    /** Thinks {@code tokens} words of one token each, streamed one by one, after any earlier thinking. */
    private static GenerateThinkingResponse.Builder thought(Call<GenerateThinkingRequest> call, int tokens) {
        StringBuilder text = new StringBuilder(call.request.getContinuation().getThinkingText());
        for (int i = 0; i < tokens; i++) {
            String word = "w" + i + " ";
            call.delta(word, 1);
            text.append(word);
        }
        return GenerateThinkingResponse.newBuilder()
                .setPromptText(prompt(call.request))
                .setThinkingText(text.toString())
                .setPromptTokens(PROMPT_TOKENS)
                .setThinkingTokens(tokens)
                .setThinkingBudgetTokens(call.request.getThinkingBudgetTokens());
    }

    /** The model writes {@code </think>} itself after {@code tokens} tokens. */
    private static Script<GenerateThinkingRequest, GenerateThinkingResponse> closesAfter(int tokens) {
        return call -> thought(call, tokens)
                .setClosedByModel(true)
                .setFinishReason(FinishReason.FINISH_REASON_STOP)
                .build();
    }

    /** The model never closes thinking: the whole budget is spent. */
    private static Script<GenerateThinkingRequest, GenerateThinkingResponse> cutAtBudget() {
        return call -> thought(call, call.request.getThinkingBudgetTokens())
                .setTruncated(true)
                .setTruncationReason(TruncationReason.TRUNCATION_REASON_TOKEN_BUDGET)
                .setFinishReason(FinishReason.FINISH_REASON_LENGTH)
                .build();
    }

    /** The model never closes thinking and is slow: the decoder cuts it when its thinking_deadline_ms is spent. */
    private static Script<GenerateThinkingRequest, GenerateThinkingResponse> untilThinkingDeadline() {
        return call -> {
            StringBuilder text = new StringBuilder();
            int tokens = 0;
            while (call.elapsedMillis() < call.request.getThinkingDeadlineMs()) {
                call.delta("w ", 1);
                text.append("w ");
                tokens++;
                Thread.sleep(5);
            }
            return GenerateThinkingResponse.newBuilder()
                    .setPromptText(prompt(call.request))
                    .setThinkingText(text.toString())
                    .setPromptTokens(PROMPT_TOKENS)
                    .setThinkingTokens(tokens)
                    .setTruncated(true)
                    .setTruncationReason(TruncationReason.TRUNCATION_REASON_DEADLINE)
                    .setThinkingBudgetTokens(call.request.getThinkingBudgetTokens())
                    .build();
        };
    }

    private static Script<GenerateSolutionRequest, GenerateSolutionResponse> answers(String text) {
        return call -> {
            call.delta(text, ANSWER_TOKENS);
            return GenerateSolutionResponse.newBuilder()
                    .setSolutionText(text)
                    .setSolutionTokens(ANSWER_TOKENS)
                    .setFinishReason(FinishReason.FINISH_REASON_STOP)
                    .build();
        };
    }
}
