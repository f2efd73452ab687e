package io.elasticmesh.it;

import static io.elasticmesh.it.SharedMesh.scripted;
import static io.elasticmesh.it.SharedMesh.user;
import static io.elasticmesh.it.SharedMesh.words;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.elasticmesh.local.AuditEvents;
import io.elasticmesh.local.LocalMesh;
import io.elasticmesh.local.quarkus.HttpGet;
import io.elasticmesh.proto.audit.v1.AuditServiceGrpc;
import io.elasticmesh.proto.audit.v1.GetAuditEventRequest;
import io.elasticmesh.proto.audit.v1.ThinkingTruncated;
import io.elasticmesh.proto.reasoning.v1.BudgetRouterGrpc;
import io.elasticmesh.proto.reasoning.v1.ChatMessage;
import io.elasticmesh.proto.reasoning.v1.FinishReason;
import io.elasticmesh.proto.reasoning.v1.ReasonRequest;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole mesh, as deployed: four packaged services, the real Triton server (scripted model for exact
 * assertions, SmolLM2 for a real one) and a real Kafka broker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MeshIT {

    private LocalMesh mesh;
    private ManagedChannel routerChannel;
    private ManagedChannel auditChannel;
    private BudgetRouterGrpc.BudgetRouterBlockingStub router;
    private AuditServiceGrpc.AuditServiceBlockingStub audit;

    @BeforeAll
    void startMesh() {
        mesh = LocalMesh.start(LocalMesh.Options.ephemeral(Path.of(System.getProperty("mesh.root")),
                Path.of(System.getProperty("mesh.work")), List.of("scripted", "smollm2")));
        routerChannel = ManagedChannelBuilder.forAddress("127.0.0.1", mesh.routerPort()).usePlaintext().build();
        auditChannel = ManagedChannelBuilder.forAddress("127.0.0.1", mesh.auditPort()).usePlaintext().build();
        router = BudgetRouterGrpc.newBlockingStub(routerChannel);
        audit = AuditServiceGrpc.newBlockingStub(auditChannel);
    }

    @AfterAll
    void stopMesh() {
        routerChannel.shutdownNow();
        auditChannel.shutdownNow();
        mesh.close();
    }

    private ReasonResponse reason(ReasonRequest request) {
        return router.withDeadlineAfter(2, TimeUnit.MINUTES).reason(request);
    }

    @Test
    @Order(0)
    void routerAndAuditServiceReportServingOverGrpcHealth() {
        for (ManagedChannel channel : List.of(routerChannel, auditChannel)) {
            HealthCheckResponse health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance());
            assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        }
    }

    @Test
    @Order(1)
    void thinkingCutAtItsBudgetIsClosedByOneDelimiterAndStillAnswered() {
        ReasonResponse r = reason(scripted("close=no answer=3").setThinkingBudgetTokens(10)
                .setSolutionBudgetTokens(5).build());

        assertThat(r.getThinkingText()).isEqualTo(words("think", 10));
        assertThat(r.getThinkingTruncated()).isTrue();
        assertThat(r.getUsage().getThinkingTokens()).isEqualTo(10);
        assertThat(r.getUsage().getForcedDelimiters()).isEqualTo(1);
        assertThat(r.getSolutionText()).isEqualTo(words("answer", 3));
        // As in vLLM, the end-of-sequence token is generated, so it is counted.
        assertThat(r.getUsage().getSolutionTokens()).isEqualTo(4);
        assertThat(r.getSolutionFinishReason()).isEqualTo(FinishReason.FINISH_REASON_STOP);
        assertThat(r.getBudget().getThinkingBudgetTokens()).isEqualTo(10);
        assertThat(r.getBudget().getSolutionBudgetTokens()).isEqualTo(5);
        assertThat(r.getUsage().getPromptTokens()).isPositive();
        assertThat(r.getRequestId()).isNotBlank();
    }

    @Test
    @Order(2)
    void modelThatClosesThinkingEarlyGoesStraightToTheSolutionWithoutRollover() {
        ReasonResponse r = reason(scripted("think=4 close=yes answer=9").setThinkingBudgetTokens(20)
                .setSolutionBudgetTokens(6).build());

        assertThat(r.getThinkingText()).isEqualTo(words("think", 4));
        assertThat(r.getThinkingTruncated()).isFalse();
        // The model's own delimiter is generated, so it counts in thinking; none is forced.
        assertThat(r.getUsage().getThinkingTokens()).isEqualTo(5);
        assertThat(r.getUsage().getForcedDelimiters()).isZero();
        // 15 thinking tokens went unused; the answer is still capped at s = 6.
        assertThat(r.getSolutionText()).isEqualTo(words("answer", 6));
        assertThat(r.getUsage().getSolutionTokens()).isEqualTo(6);
        assertThat(r.getSolutionFinishReason()).isEqualTo(FinishReason.FINISH_REASON_LENGTH);
    }

    @Test
    @Order(3)
    void budgetsHoldForRandomBudgetsAndScripts() {
        Random random = new Random(20261128);
        for (int i = 0; i < 12; i++) {
            int t = 1 + random.nextInt(64);
            int s = 1 + random.nextInt(32);
            int think = random.nextInt(70);
            int answer = random.nextInt(40);
            boolean close = random.nextBoolean();
            ReasonResponse r = reason(scripted("think=" + think + " close=" + (close ? "yes" : "no") + " answer="
                    + answer).setThinkingBudgetTokens(t).setSolutionBudgetTokens(s).build());

            String label = "t=" + t + " s=" + s + " think=" + think + " close=" + close + " answer=" + answer;
            boolean closesInBudget = close && think + 1 <= t;
            assertThat(r.getUsage().getThinkingTokens()).as(label).isEqualTo(closesInBudget ? think + 1 : t);
            assertThat(r.getThinkingTruncated()).as(label).isEqualTo(!closesInBudget);
            assertThat(r.getUsage().getForcedDelimiters()).as(label).isEqualTo(closesInBudget ? 0 : 1);
            boolean answersInBudget = answer + 1 <= s;
            assertThat(r.getUsage().getSolutionTokens()).as(label).isEqualTo(answersInBudget ? answer + 1 : s);
            assertThat(r.getSolutionFinishReason()).as(label).isEqualTo(
                    answersInBudget ? FinishReason.FINISH_REASON_STOP : FinishReason.FINISH_REASON_LENGTH);
            assertThat(r.getSolutionText()).as(label).doesNotContain("</think>");
        }
    }

    @Test
    @Order(4)
    void onlyCutRequestsArePublishedToKafkaAndReachTheAuditService() {
        ReasonResponse uncut = reason(scripted("think=2 close=yes answer=2").build());
        ReasonResponse cut = reason(scripted("close=no answer=2").setThinkingBudgetTokens(7).build());

        ThinkingTruncated event = AuditEvents.await(audit, cut.getRequestId(), Duration.ofSeconds(60));
        assertThat(event.getTenant()).isEqualTo("it-tenant");
        assertThat(event.getTier()).isEqualTo("scripted");
        assertThat(event.getModel()).isEqualTo("scripted");
        assertThat(event.getThinkingText()).isEqualTo(words("think", 7));
        assertThat(event.getThinkingTokens()).isEqualTo(7);
        assertThat(event.getThinkingBudgetTokens()).isEqualTo(7);
        assertThat(event.getForcedDelimiters()).isEqualTo(1);
        assertThat(event.getSolutionText()).isEqualTo(cut.getSolutionText());
        assertThat(event.getMessages(0).getContent()).contains("close=no");
        // Same tenant, same partition, published earlier: had the uncut request been audited, it would be here now.
        StatusRuntimeException missing = catchThrowableOfType(StatusRuntimeException.class,
                () -> audit.getAuditEvent(GetAuditEventRequest.newBuilder().setRequestId(uncut.getRequestId()).build()));
        assertThat(missing.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    }

    @Test
    @Order(5)
    void realModelAnswersWithinBothBudgetsAsCountedByTriton() {
        ReasonResponse r = reason(ReasonRequest.newBuilder().setTier("economy")
                .addMessages(user("What is the capital of France?"))
                .setThinkingBudgetTokens(24).setSolutionBudgetTokens(24).build());

        assertThat(r.getBudget().getModel()).isEqualTo("smollm2-135m");
        assertThat(r.getUsage().getThinkingTokens()).isBetween(1, 24);
        assertThat(r.getUsage().getSolutionTokens()).isBetween(1, 24);
        assertThat(r.getSolutionText()).isNotBlank().doesNotContain("</think>");
        if (r.getThinkingTruncated()) {
            assertThat(r.getUsage().getThinkingTokens()).isEqualTo(24);
            assertThat(r.getUsage().getForcedDelimiters()).isEqualTo(1);
        }
    }

    @Test
    @Order(6)
    void badInputsAreRefusedWithAStatusNamingTheField() {
        assertRefused(scripted("").setThinkingBudgetTokens(0), Status.Code.INVALID_ARGUMENT, "thinking_budget_tokens");
        assertRefused(scripted("").setThinkingBudgetTokens(-5), Status.Code.INVALID_ARGUMENT, "thinking_budget_tokens");
        assertRefused(scripted("").setThinkingBudgetTokens(65), Status.Code.OUT_OF_RANGE, "at most 64");
        assertRefused(scripted("").setSolutionBudgetTokens(0), Status.Code.INVALID_ARGUMENT, "solution_budget_tokens");
        assertRefused(scripted("").setSolutionBudgetTokens(33), Status.Code.OUT_OF_RANGE, "at most 32");
        assertRefused(ReasonRequest.newBuilder().setTier("scripted"), Status.Code.INVALID_ARGUMENT, "messages");
        assertRefused(scripted("").setTier(""), Status.Code.INVALID_ARGUMENT, "tier");
        assertRefused(scripted("").setTier("platinum"), Status.Code.NOT_FOUND, "platinum");
        assertRefused(scripted("").addMessages(ChatMessage.newBuilder().setContent("no role")),
                Status.Code.INVALID_ARGUMENT, "messages[1].role");
    }

    private void assertRefused(ReasonRequest.Builder request, Status.Code code, String messagePart) {
        assertThatThrownBy(() -> reason(request.build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(code);
                    assertThat(e.getStatus().getDescription()).contains(messagePart);
                });
    }

    @Test
    @Order(7)
    void callerDeadlineShorterThanTheGenerationEndsTheCallInTime() {
        long start = System.nanoTime();
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> router.withDeadlineAfter(1500, TimeUnit.MILLISECONDS)
                        .reason(scripted("close=no delay_ms=200").setThinkingBudgetTokens(60).build()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        // The mesh is still serving afterwards.
        assertThat(reason(scripted("think=1 answer=1").build()).getSolutionText()).isEqualTo("answer1 ");
    }

    @Test
    @Order(100)
    void stoppedTritonGivesUnavailableWithinTheDeadline() {
        mesh.stopTriton();

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> router.withDeadlineAfter(30, TimeUnit.SECONDS).reason(scripted("think=1").build()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    }

    @Test
    @Order(101)
    void stoppedTritonMakesDecoderAndSolutionUnreadyButLeavesThemLive() {
        for (String service : List.of("decoder-service", "solution-service")) {
            HttpResponse<String> ready = HttpGet.get(mesh.httpPort(service), "/q/health/ready");
            assertThat(ready.statusCode()).as(service + " ready").isEqualTo(503);
            assertThat(ready.body()).contains("\"triton\"", "Triton unreachable");
            assertThat(HttpGet.get(mesh.httpPort(service), "/q/health/live").statusCode()).as(service + " live")
                    .isEqualTo(200);
        }
        // The router still reaches both services, so it stays ready; its requests fail UNAVAILABLE as above.
        assertThat(HttpGet.get(mesh.httpPort("budget-router"), "/q/health/ready").statusCode()).isEqualTo(200);
    }
}
