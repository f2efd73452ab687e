package io.elasticmesh.router.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.proto.reasoning.v1.BudgetRouter;
import io.elasticmesh.proto.reasoning.v1.ChatMessage;
import io.elasticmesh.proto.reasoning.v1.ReasonRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The router on its own: requests it must refuse before any downstream call, and a downstream that is down. */
@QuarkusTest
class BudgetRouterGrpcServiceTests {

    @GrpcClient("router")
    BudgetRouter router;

    private static ReasonRequest.Builder valid() {
        return ReasonRequest.newBuilder().setTier("economy")
                .addMessages(ChatMessage.newBuilder().setRole(ChatMessage.Role.ROLE_USER).setContent("hi"));
    }

    private StatusRuntimeException failure(ReasonRequest request) {
        Throwable failure = router.reason(request).onItem().transform(reply -> (Throwable) null)
                .onFailure().recoverWithItem(t -> t).await().atMost(Duration.ofSeconds(30));
        assertThat(failure).as("the call should fail").isInstanceOf(StatusRuntimeException.class);
        return (StatusRuntimeException) failure;
    }

    @Test
    void unknownTierIsNotFoundAndListsTheKnownTiers() {
        StatusRuntimeException e = failure(valid().setTier("platinum").build());

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(e.getStatus().getDescription()).contains("'platinum'").contains("economy");
    }

    @Test
    void budgetAboveTheTierIsRefusedWithTheCeiling() {
        StatusRuntimeException e = failure(valid().setThinkingBudgetTokens(65).build());

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).isEqualTo(
                "thinking_budget_tokens must be between 1 and 64 for tier 'economy', was 65");
    }

    @Test
    void emptyConversationIsRefused() {
        StatusRuntimeException e = failure(ReasonRequest.newBuilder().setTier("economy").build());

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("messages");
    }

    @Test
    void decoderDownIsUnavailable() {
        StatusRuntimeException e = failure(valid().build());

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    }
}
