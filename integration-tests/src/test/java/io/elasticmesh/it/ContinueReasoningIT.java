package io.elasticmesh.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.elasticmesh.proto.reasoning.v1.ContinueReasoningRequest;
import io.elasticmesh.proto.reasoning.v1.ContinueReasoningResponse;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** "Think more" after a cut answer, through the whole mesh. */
class ContinueReasoningIT {

    private static ReasonResponse cut() {
        ReasonResponse cut = SharedMesh.routerStub()
                .withDeadlineAfter(1, TimeUnit.MINUTES)
                .reason(SharedMesh.scripted("think=6 close=yes answer=3")
                        .setThinkingBudgetTokens(4)
                        .build());
        assertThat(cut.getThinkingTruncated()).isTrue();
        return cut;
    }

    private static ContinueReasoningResponse continueReasoning(String requestId, int extra, String tenant) {
        return SharedMesh.routerStub()
                .withDeadlineAfter(1, TimeUnit.MINUTES)
                .continueReasoning(ContinueReasoningRequest.newBuilder()
                        .setRequestId(requestId)
                        .setExtraThinkingTokens(extra)
                        .setTenant(tenant)
                        .build());
    }

    @Test
    void continuingACutRequestThinksFurtherFromItsThinkingAndCountsOnlyNewTokens() {
        ReasonResponse cut = cut();

        ContinueReasoningResponse more = continueReasoning(cut.getRequestId(), 20, "it-tenant");

        ReasonResponse reply = more.getReply();
        assertThat(more.getContinuedRequestId()).isEqualTo(cut.getRequestId());
        assertThat(reply.getRequestId()).isNotEqualTo(cut.getRequestId());
        // The scripted model thinks its 6 steps again after the resumed prefix, then closes thinking itself.
        assertThat(reply.getThinkingText())
                .isEqualTo(cut.getThinkingText() + "think1 think2 think3 think4 think5 think6 ");
        assertThat(reply.getThinkingTruncated()).isFalse();
        assertThat(reply.getUsage().getThinkingTokens()).isEqualTo(7);
        assertThat(reply.getUsage().getForcedDelimiters()).isZero();
        assertThat(reply.getUsage().getPromptTokens())
                .isGreaterThan(cut.getUsage().getPromptTokens());
        assertThat(reply.getSolutionText()).isEqualTo("answer1 answer2 answer3 ");
        assertThat(reply.getBudget().getThinkingBudgetTokens()).isEqualTo(20);
    }

    @Test
    void aContinuationCutAgainCanItselfBeContinued() {
        ReasonResponse first =
                continueReasoning(cut().getRequestId(), 2, "it-tenant").getReply();
        assertThat(first.getThinkingTruncated()).isTrue();
        assertThat(first.getUsage().getThinkingTokens()).isEqualTo(2);

        ReasonResponse second =
                continueReasoning(first.getRequestId(), 3, "it-tenant").getReply();

        assertThat(second.getThinkingText()).startsWith(first.getThinkingText());
        assertThat(second.getUsage().getThinkingTokens()).isEqualTo(3);
    }

    @Test
    void refusalsNameWhatIsWrong() {
        String id = cut().getRequestId();

        assertThat(refusal(id, 5, "someone-else").getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(refusal("no-such-request", 5, "it-tenant").getStatus().getCode())
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(refusal(id, 0, "it-tenant").getStatus().getDescription()).contains("extra_thinking_tokens");
        ReasonResponse closed = SharedMesh.routerStub()
                .withDeadlineAfter(1, TimeUnit.MINUTES)
                .reason(SharedMesh.scripted("think=2 close=yes answer=1").build());
        assertThat(refusal(closed.getRequestId(), 5, "it-tenant").getStatus().getDescription())
                .contains("its thinking was not cut");
    }

    /** extra_thinking_tokens is a uint32: refusals name it (not the Reason field) and quote it as sent. */
    @Test
    void extraThinkingTokensAboveTheCeilingAreRefusedNamingTheFieldAndItsValueAsSent() {
        String id = cut().getRequestId();

        StatusRuntimeException intMax = refusal(id, Integer.MAX_VALUE, "it-tenant");
        assertThat(intMax.getStatus().getCode()).isEqualTo(Status.Code.OUT_OF_RANGE);
        assertThat(intMax.getStatus().getDescription())
                .startsWith("extra_thinking_tokens must be at most 64 (the ceiling of tier 'scripted'), was 2147483647")
                .doesNotContain("thinking_budget_tokens")
                .doesNotContain("clamp_budgets");
        // 4294967295 is a legal uint32, -1 as a Java int.
        StatusRuntimeException uintMax = refusal(id, -1, "it-tenant");
        assertThat(uintMax.getStatus().getCode()).isEqualTo(Status.Code.OUT_OF_RANGE);
        assertThat(uintMax.getStatus().getDescription())
                .contains("extra_thinking_tokens")
                .contains("was 4294967295");
    }

    private static StatusRuntimeException refusal(String id, int extra, String tenant) {
        return catchThrowableOfType(StatusRuntimeException.class, () -> continueReasoning(id, extra, tenant));
    }
}
