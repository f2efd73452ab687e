package io.elasticmesh.it;

import static io.elasticmesh.it.SharedMesh.user;
import static io.elasticmesh.it.SharedMesh.words;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.elasticmesh.local.LocalMesh;
import io.elasticmesh.proto.reasoning.v1.BudgetRouterGrpc;
import io.elasticmesh.proto.reasoning.v1.FinishReason;
import io.elasticmesh.proto.reasoning.v1.ReasonRequest;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import io.elasticmesh.proto.reasoning.v1.TruncationReason;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Deadline-elastic thinking after the model's speed changes (issue 12, defect 13), on a fresh router of its own:
 * it first learns a fast `scripted`, then the model slows down to 50 ms a token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeadlineElasticityIT {

    /** Tiers added to a copy of the shipped file: a 2 s deadline with s = 8, and one no answer at 50 ms fits. */
    private static final String TIGHT_TIERS = """
              it-tight:
                model: scripted
                thinking-budget-tokens: 256
                solution-budget-tokens: 8
                deadline-ms: 2000
              it-too-tight:
                model: scripted
                thinking-budget-tokens: 256
                solution-budget-tokens: 8
                deadline-ms: 200
            """;

    private LocalMesh mesh;
    private ManagedChannel channel;
    private BudgetRouterGrpc.BudgetRouterBlockingStub router;

    @BeforeAll
    void startMesh() throws IOException {
        mesh = SharedMesh.scriptedWithTiers("deadline-elasticity", TIGHT_TIERS);
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", mesh.routerPort())
                .usePlaintext()
                .build();
        router = BudgetRouterGrpc.newBlockingStub(channel);
    }

    @AfterAll
    void stopMesh() {
        channel.shutdownNow();
        mesh.close();
    }

    private ReasonResponse reason(String tier, String directive) {
        return router.withDeadlineAfter(1, TimeUnit.MINUTES)
                .reason(ReasonRequest.newBuilder()
                        .setTier(tier)
                        .setTenant("it-tenant")
                        .addMessages(user("Solve it. [[script " + directive + "]]"))
                        .build());
    }

    @Test
    @Order(1)
    void theRouterFirstLearnsAFastModel() {
        // Warm the fresh services up on a tier with time to spare: a cold first call may take seconds.
        for (int i = 0; i < 3; i++) {
            reason("scripted", "think=4 answer=2");
        }
        for (int i = 0; i < 50; i++) {
            assertThat(reason("it-tight", "think=4 answer=2").getSolutionText()).isEqualTo(words("answer", 2));
        }
    }

    /** Before: every one failed DEADLINE_EXCEEDED, with ~70 ms reserved for an answer that needs 250+. */
    @Test
    @Order(2)
    void afterTheModelSlowsDownThinkingIsCutForTheDeadlineAndEveryAnswerArrives() {
        for (int i = 0; i < 6; i++) {
            ReasonResponse r = reason("it-tight", "think=200 close=yes answer=4 delay_ms=50");

            // The reason first, so a failure names the cut that happened (or that none did).
            assertThat(r.getTruncationReason()).isEqualTo(TruncationReason.TRUNCATION_REASON_DEADLINE);
            assertThat(r.getThinkingTruncated()).isTrue();
            assertThat(r.getThinkingText())
                    .isEqualTo(words("think", r.getUsage().getThinkingTokens()));
            assertThat(r.getSolutionText()).isEqualTo(words("answer", 4));
            assertThat(r.getSolutionFinishReason()).isEqualTo(FinishReason.FINISH_REASON_STOP);
            assertThat(r.getTimings().getTotalMs()).isLessThanOrEqualTo(2000);
        }
    }

    /** A deadline no answer at this speed fits still fails, and says what to change. */
    @Test
    @Order(3)
    void aDeadlineMissedAnywaySaysWhatToChange() {
        StatusRuntimeException e = catchThrowableOfType(
                StatusRuntimeException.class, () -> reason("it-too-tight", "think=200 close=yes answer=4 delay_ms=50"));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(e.getStatus().getDescription()).contains("deadline-ms").contains("solution_budget_tokens");
    }
}
