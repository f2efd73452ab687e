package io.elasticmesh.router.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.local.quarkus.GrpcCalls;
import io.elasticmesh.proto.reasoning.v1.BudgetRouter;
import io.elasticmesh.proto.reasoning.v1.ChatMessage;
import io.elasticmesh.proto.reasoning.v1.ReasonRequest;
import io.grpc.Status;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** The router on its own: requests it must refuse before any downstream call, and a downstream that is down. */
@QuarkusTest
class BudgetRouterGrpcServiceTests {

    @GrpcClient("router")
    BudgetRouter router;

    private static ReasonRequest.Builder valid() {
        return ReasonRequest.newBuilder()
                .setTier("economy")
                .addMessages(ChatMessage.newBuilder()
                        .setRole(ChatMessage.Role.ROLE_USER)
                        .setContent("hi"));
    }

    private Status failure(ReasonRequest request) {
        return GrpcCalls.failureOf(router.reason(request));
    }

    @Test
    void unknownTierIsNotFoundAndListsTheKnownTiers() {
        Status e = failure(valid().setTier("platinum").build());

        assertThat(e.getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(e.getDescription()).contains("'platinum'").contains("economy");
    }

    @Test
    void budgetAboveTheTierIsOutOfRangeAndNamesTheCeiling() {
        Status e = failure(valid().setThinkingBudgetTokens(65).build());

        assertThat(e.getCode()).isEqualTo(Status.Code.OUT_OF_RANGE);
        assertThat(e.getDescription())
                .isEqualTo("thinking_budget_tokens must be at most 64 (the ceiling of tier "
                        + "'economy'), was 65; lower it, or set clamp_budgets to apply the ceiling");
    }

    @Test
    void budgetBelowOneIsInvalid() {
        Status e = failure(valid().setSolutionBudgetTokens(0).build());

        assertThat(e.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getDescription()).isEqualTo("solution_budget_tokens must be at least 1, was 0");
    }

    @Test
    void budgetAboveTheTierIsClampedWhenAskedAndTheRequestGoesOn() {
        // Past the budget check the request reaches the (absent) decoder.
        Status e = failure(
                valid().setThinkingBudgetTokens(65).setClampBudgets(true).build());

        assertThat(e.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    }

    @Test
    void missingTierOfATenantWithoutConfigurationIsInvalid() {
        Status e = failure(valid().setTier("").setTenant("not-configured").build());

        assertThat(e.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getDescription()).isEqualTo("tier must be set");
    }

    @Test
    void emptyConversationIsRefused() {
        Status e = failure(ReasonRequest.newBuilder().setTier("economy").build());

        assertThat(e.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getDescription()).contains("messages");
    }

    @Test
    void anEmptyMessageIsRefusedUnlessItIsAnAssistantTurn() {
        Status e = failure(valid().addMessages(ChatMessage.newBuilder().setRole(ChatMessage.Role.ROLE_USER))
                .build());

        assertThat(e.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getDescription()).startsWith("messages[1].content must not be empty");
        // An empty assistant turn is allowed: the request goes on to the (absent) decoder.
        assertThat(failure(valid().addMessages(ChatMessage.newBuilder().setRole(ChatMessage.Role.ROLE_ASSISTANT))
                                .addMessages(ChatMessage.newBuilder()
                                        .setRole(ChatMessage.Role.ROLE_USER)
                                        .setContent("and?"))
                                .build())
                        .getCode())
                .isEqualTo(Status.Code.UNAVAILABLE);
    }

    @Test
    void decoderDownIsUnavailable() {
        Status e = failure(valid().build());

        assertThat(e.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    }
}
