package io.elasticmesh.it;

import static io.elasticmesh.it.SharedMesh.scripted;
import static io.elasticmesh.it.SharedMesh.user;
import static io.elasticmesh.it.SharedMesh.words;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.RetryInfo;
import io.elasticmesh.cli.ApiKeys;
import io.elasticmesh.cli.AuditEvents;
import io.elasticmesh.local.LocalMesh;
import io.elasticmesh.local.quarkus.HttpGet;
import io.elasticmesh.proto.audit.v1.AuditEvent;
import io.elasticmesh.proto.audit.v1.AuditServiceGrpc;
import io.elasticmesh.proto.audit.v1.GetAuditEventRequest;
import io.elasticmesh.proto.audit.v1.ListReviewQueueRequest;
import io.elasticmesh.proto.audit.v1.ListReviewQueueResponse;
import io.elasticmesh.proto.audit.v1.ReviewServiceGrpc;
import io.elasticmesh.proto.reasoning.v1.BudgetRouterGrpc;
import io.elasticmesh.proto.reasoning.v1.ChatMessage;
import io.elasticmesh.proto.reasoning.v1.FinishReason;
import io.elasticmesh.proto.reasoning.v1.GetConfigStatusRequest;
import io.elasticmesh.proto.reasoning.v1.GetConfigStatusResponse;
import io.elasticmesh.proto.reasoning.v1.ListTenantsRequest;
import io.elasticmesh.proto.reasoning.v1.ReasonRequest;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import io.elasticmesh.proto.reasoning.v1.RouterAdminGrpc;
import io.elasticmesh.proto.reasoning.v1.TenantInfo;
import io.elasticmesh.proto.reasoning.v1.TruncationReason;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.StatusProto;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
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
    private RouterAdminGrpc.RouterAdminBlockingStub admin;
    private String shippedTiers;
    private Path tiersFile;
    private AuditServiceGrpc.AuditServiceBlockingStub audit;

    @BeforeAll
    void startMesh() throws IOException {
        LocalMesh.Options options = LocalMesh.Options.ephemeral(
                Path.of(System.getProperty("mesh.root")),
                Path.of(System.getProperty("mesh.work")),
                List.of("scripted", "smollm2"));
        // The router runs on a copy of the shipped tier file, which tests edit while it runs (hot reload).
        shippedTiers = Files.readString(options.tiersFile());
        tiersFile = Files.createDirectories(options.workDir()).resolve("tiers.yaml");
        Files.writeString(tiersFile, shippedTiers);
        mesh = LocalMesh.start(options.withTiersFile(tiersFile));
        routerChannel = ManagedChannelBuilder.forAddress("127.0.0.1", mesh.routerPort())
                .usePlaintext()
                .build();
        auditChannel = ManagedChannelBuilder.forAddress("127.0.0.1", mesh.auditPort())
                .usePlaintext()
                .build();
        router = BudgetRouterGrpc.newBlockingStub(routerChannel);
        admin = RouterAdminGrpc.newBlockingStub(routerChannel);
        audit = ApiKeys.attach(AuditServiceGrpc.newBlockingStub(auditChannel), mesh.auditApiKey());
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
            HealthCheckResponse health = HealthGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance());
            assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        }
    }

    @Test
    @Order(1)
    void thinkingCutAtItsBudgetIsClosedByOneDelimiterAndStillAnswered() {
        ReasonResponse r = reason(scripted("close=no answer=3")
                .setThinkingBudgetTokens(10)
                .setSolutionBudgetTokens(5)
                .build());

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
        ReasonResponse r = reason(scripted("think=4 close=yes answer=9")
                .setThinkingBudgetTokens(20)
                .setSolutionBudgetTokens(6)
                .build());

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
            ReasonResponse r =
                    reason(scripted("think=" + think + " close=" + (close ? "yes" : "no") + " answer=" + answer)
                            .setThinkingBudgetTokens(t)
                            .setSolutionBudgetTokens(s)
                            .build());

            String label = "t=" + t + " s=" + s + " think=" + think + " close=" + close + " answer=" + answer;
            boolean closesInBudget = close && think + 1 <= t;
            assertThat(r.getUsage().getThinkingTokens()).as(label).isEqualTo(closesInBudget ? think + 1 : t);
            assertThat(r.getThinkingTruncated()).as(label).isEqualTo(!closesInBudget);
            assertThat(r.getUsage().getForcedDelimiters()).as(label).isEqualTo(closesInBudget ? 0 : 1);
            boolean answersInBudget = answer + 1 <= s;
            assertThat(r.getUsage().getSolutionTokens()).as(label).isEqualTo(answersInBudget ? answer + 1 : s);
            assertThat(r.getSolutionFinishReason())
                    .as(label)
                    .isEqualTo(answersInBudget ? FinishReason.FINISH_REASON_STOP : FinishReason.FINISH_REASON_LENGTH);
            assertThat(r.getSolutionText()).as(label).doesNotContain("</think>");
        }
    }

    @Test
    @Order(4)
    void onlyCutRequestsArePublishedToKafkaAndReachTheAuditService() {
        ReasonResponse uncut = reason(scripted("think=2 close=yes answer=2").build());
        ReasonResponse cut =
                reason(scripted("close=no answer=2").setThinkingBudgetTokens(7).build());

        AuditEvent event = AuditEvents.await(audit, cut.getRequestId(), Duration.ofSeconds(60));
        assertThat(event.getTenant()).isEqualTo("it-tenant");
        assertThat(event.getRequest().getTier()).isEqualTo("scripted");
        assertThat(event.getRequest().getThinkingBudgetTokens()).isEqualTo(7);
        assertThat(event.getRequest().hasSolutionBudgetTokens()).isFalse();
        assertThat(event.getRequest().getMessages(0).getContent()).contains("close=no");
        // The reply exactly as the caller received it.
        assertThat(event.getResponse()).isEqualTo(cut);
        assertThat(event.getResponse().getBudget().getModel()).isEqualTo("scripted");
        assertThat(event.getResponse().getThinkingText()).isEqualTo(words("think", 7));
        assertThat(event.getTraceId()).matches("[0-9a-f]{32}");
        // Same tenant, same partition, published earlier: had the uncut request been audited, it would be here now.
        StatusRuntimeException missing = catchThrowableOfType(
                StatusRuntimeException.class,
                () -> audit.getAuditEvent(GetAuditEventRequest.newBuilder()
                        .setRequestId(uncut.getRequestId())
                        .build()));
        assertThat(missing.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    }

    @Test
    @Order(5)
    void realModelAnswersWithinBothBudgetsAsCountedByTriton() {
        ReasonResponse r = reason(ReasonRequest.newBuilder()
                .setTier("economy")
                .addMessages(user("What is the capital of France?"))
                .setThinkingBudgetTokens(24)
                .setSolutionBudgetTokens(24)
                .build());

        assertThat(r.getBudget().getModel()).isEqualTo("smollm2-135m");
        assertThat(r.getUsage().getThinkingTokens()).isBetween(1, 24);
        assertThat(r.getUsage().getSolutionTokens()).isBetween(1, 24);
        assertThat(r.getSolutionText()).isNotBlank().doesNotContain("</think>");
        // The reason first: on a loaded machine the deadline may cut before the budget does, with fewer than t tokens.
        if (!r.getThinkingTruncated()) {
            // Not cut; a delimiter may still have been forced (the model ended inside thinking).
            assertThat(r.getTruncationReason()).isEqualTo(TruncationReason.TRUNCATION_REASON_UNSPECIFIED);
        } else {
            assertThat(r.getTruncationReason())
                    .isIn(TruncationReason.TRUNCATION_REASON_TOKEN_BUDGET, TruncationReason.TRUNCATION_REASON_DEADLINE);
            assertThat(r.getUsage().getForcedDelimiters()).isEqualTo(1);
            if (r.getTruncationReason() == TruncationReason.TRUNCATION_REASON_TOKEN_BUDGET) {
                assertThat(r.getUsage().getThinkingTokens()).isEqualTo(24);
            }
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
        assertRefused(
                scripted("").addMessages(ChatMessage.newBuilder().setContent("no role")),
                Status.Code.INVALID_ARGUMENT,
                "messages[1].role");
    }

    private void assertRefused(ReasonRequest.Builder request, Status.Code code, String messagePart) {
        assertThatThrownBy(() -> reason(request.build())).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).contains(messagePart);
        });
    }

    @Test
    @Order(7)
    void callerDeadlineShorterThanTheGenerationEndsTheCallInTime() {
        long start = System.nanoTime();
        StatusRuntimeException e = catchThrowableOfType(
                StatusRuntimeException.class,
                () -> router.withDeadlineAfter(1500, TimeUnit.MILLISECONDS)
                        .reason(scripted("close=no delay_ms=200")
                                .setThinkingBudgetTokens(60)
                                .build()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        // The mesh is still serving afterwards.
        assertThat(reason(scripted("think=1 answer=1").build()).getSolutionText())
                .isEqualTo("answer1 ");
    }

    @Test
    @Order(8)
    void aBudgetAboveTheCeilingIsClampedWhenTheRequestAsks() {
        ReasonResponse r = reason(scripted("think=2 answer=1")
                .setThinkingBudgetTokens(500)
                .setClampBudgets(true)
                .build());

        assertThat(r.getBudget().getThinkingBudgetTokens()).isEqualTo(64);
        assertThat(r.getBudget().getThinkingBudgetClamped()).isTrue();
        assertThat(r.getBudget().getSolutionBudgetClamped()).isFalse();
        assertThat(r.getBudget().getConfigVersion()).isEqualTo(configStatus().getConfigVersion());
    }

    @Test
    @Order(9)
    void slowThinkingIsCutByTheDeadlineAndTheAnswerStillArrivesInTime() {
        // The split uses the model's live, smoothed decode rate: let the router measure the slowed model first.
        for (int i = 0; i < 12; i++) {
            reason(scripted("think=4 close=yes answer=2 delay_ms=50").build());
        }
        long start = System.nanoTime();
        // 64 thinking tokens at 50 ms alone would take 3.2 s, more than the caller's 3 s.
        ReasonResponse r = router.withDeadlineAfter(3, TimeUnit.SECONDS)
                .reason(scripted("close=no answer=3 delay_ms=50")
                        .setThinkingBudgetTokens(64)
                        .setSolutionBudgetTokens(5)
                        .build());
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(r.getThinkingTruncated()).isTrue();
        assertThat(r.getTruncationReason()).isEqualTo(TruncationReason.TRUNCATION_REASON_DEADLINE);
        assertThat(r.getUsage().getThinkingTokens()).isBetween(1, 63);
        assertThat(r.getThinkingText()).isEqualTo(words("think", r.getUsage().getThinkingTokens()));
        assertThat(r.getUsage().getForcedDelimiters()).isEqualTo(1);
        assertThat(r.getSolutionText()).isEqualTo(words("answer", 3));
        assertThat(r.getSolutionFinishReason()).isEqualTo(FinishReason.FINISH_REASON_STOP);
        assertThat(r.getTimings().getTotalMs()).isLessThanOrEqualTo(3000);
        assertThat(took).isLessThan(Duration.ofSeconds(3));
    }

    /** Tiers and a tenant added to the running router's tier file for the admission tests. */
    private static final String CONTENTION_TIERS = """
              it-gold:
                model: scripted
                thinking-budget-tokens: 16
                solution-budget-tokens: 4
                deadline-ms: 30000
                priority: 10
                max-concurrent-requests: 2
                queue-limit: 4
              it-bronze:
                model: scripted
                thinking-budget-tokens: 16
                solution-budget-tokens: 4
                deadline-ms: 30000
                priority: 0
                max-concurrent-requests: 2
                queue-limit: 3
              it-rollover:
                model: scripted
                thinking-budget-tokens: 20
                solution-budget-tokens: 5
                deadline-ms: 30000
                rollover-unused-thinking: true
            tenants:
              it-quota:
                allowed-tiers: [scripted]
                default-tier: scripted
                tokens-per-minute: 50
            """;

    private void editTiers(String content) throws IOException {
        String before = configStatus().getConfigVersion();
        Path next = tiersFile.resolveSibling("tiers.yaml.next");
        Files.writeString(next, content);
        Files.move(next, tiersFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        awaitStatus(status -> !status.getConfigVersion().equals(before));
    }

    private void awaitStatus(Predicate<GetConfigStatusResponse> condition) {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.test(configStatus())) {
            assertThat(System.nanoTime())
                    .as("the router's configuration status changes in time")
                    .isLessThan(end);
            sleep(100);
        }
    }

    /** A test body that may throw. */
    private interface Body {
        void run() throws Exception;
    }

    /** Runs {@code body} on the shipped tier file plus {@link #CONTENTION_TIERS}, then restores the shipped file. */
    private void withContentionTiers(String shared, Body body) throws Exception {
        editTiers(shared.replace("\ntenants:\n", "\n" + CONTENTION_TIERS));
        try {
            body.run();
        } finally {
            editTiers(shippedTiers);
        }
    }

    private GetConfigStatusResponse configStatus() {
        return admin.withDeadlineAfter(10, TimeUnit.SECONDS)
                .getConfigStatus(GetConfigStatusRequest.getDefaultInstance());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    @Order(10)
    void underContentionTheHigherTierGoesFirstAndAFullQueueIsRefusedAtOnce() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            String sharedCapacityTwo = shippedTiers.replace("max-concurrent-requests: 8", "max-concurrent-requests: 2");
            withContentionTiers(sharedCapacityTwo, () -> {
                // Each request holds a slot for about 1 s: 16 thinking tokens and an answer at 50 ms per token.
                String slow = "think=15 close=yes answer=2 delay_ms=50";
                List<CompletableFuture<ReasonResponse>> bronze = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    bronze.add(CompletableFuture.supplyAsync(
                            () -> reason(scripted(slow).setTier("it-bronze").build()), clients));
                    sleep(100); // arrival order: 2 take the slots, 3 wait
                }
                StatusRuntimeException full = catchThrowableOfType(
                        StatusRuntimeException.class,
                        () -> reason(scripted(slow).setTier("it-bronze").build()));
                CompletableFuture<ReasonResponse> gold = CompletableFuture.supplyAsync(
                        () -> reason(scripted(slow).setTier("it-gold").build()), clients);

                assertThat(full.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                assertThat(full.getStatus().getDescription())
                        .matches("tier 'it-bronze' has 2 requests in flight and 3 waiting \\(its queue-limit\\); "
                                + "retry after \\d+ ms");
                com.google.rpc.Status details = StatusProto.fromThrowable(full);
                assertThat(details.getDetailsList())
                        .anySatisfy(any -> assertThat(any.is(RetryInfo.class)).isTrue());

                ReasonResponse goldReply = gold.get(60, TimeUnit.SECONDS);
                List<ReasonResponse> bronzeReplies = new ArrayList<>();
                for (CompletableFuture<ReasonResponse> reply : bronze) {
                    bronzeReplies.add(reply.get(60, TimeUnit.SECONDS));
                }
                // Gold arrived after all five bronze requests, yet waited for one slot only: it finished before the
                // last two queued bronze requests, which had been waiting longer.
                assertThat(goldReply.getSolutionText()).isEqualTo(words("answer", 2));
                int goldTotal = goldReply.getTimings().getTotalMs();
                assertThat(bronzeReplies.subList(3, 5))
                        .allSatisfy(r -> assertThat(r.getTimings().getTotalMs()).isGreaterThan(goldTotal));
            });
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    @Order(11)
    void aTenantOverItsTokenQuotaIsRefusedWithARetryHint() throws Exception {
        withContentionTiers(shippedTiers, () -> {
            ReasonResponse first = reason(scripted("think=20 close=yes answer=20")
                    .setTenant("it-quota")
                    .setTier("")
                    .build());
            assertThat(first.getBudget().getTier())
                    .as("the tenant's default tier")
                    .isEqualTo("scripted");

            StatusRuntimeException refused = catchThrowableOfType(
                    StatusRuntimeException.class,
                    () -> reason(scripted("think=1").setTenant("it-quota").build()));

            assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(refused.getStatus().getDescription())
                    .matches("tenant 'it-quota' used its quota of 50 tokens per minute; retry after \\d+ ms");
            TenantInfo tenant = admin.listTenants(ListTenantsRequest.getDefaultInstance()).getTenantsList().stream()
                    .filter(t -> t.getName().equals("it-quota"))
                    .findFirst()
                    .orElseThrow();
            assertThat(tenant.getRemainingTokens()).isNegative();
            // Other tenants are not affected.
            assertThat(reason(scripted("think=1 answer=1").build()).getSolutionText())
                    .isEqualTo("answer1 ");
        });
    }

    @Test
    @Order(12)
    void aTierWithRolloverGivesUnusedThinkingToTheAnswer() throws Exception {
        withContentionTiers(shippedTiers, () -> {
            ReasonResponse r = reason(scripted("think=4 close=yes answer=9")
                    .setTier("it-rollover")
                    .build());

            // 5 of 20 thinking tokens used: 15 roll over, so s = 5 + 15 and the whole answer fits.
            assertThat(r.getUsage().getThinkingTokens()).isEqualTo(5);
            assertThat(r.getBudget().getSolutionRolloverTokens()).isEqualTo(15);
            assertThat(r.getBudget().getSolutionBudgetTokens()).isEqualTo(20);
            assertThat(r.getSolutionText()).isEqualTo(words("answer", 9));
            assertThat(r.getSolutionFinishReason()).isEqualTo(FinishReason.FINISH_REASON_STOP);
        });
    }

    @Test
    @Order(13)
    void anInvalidEditOfTheRunningTierFileIsReportedAndChangesNothing() throws Exception {
        String version = configStatus().getConfigVersion();
        Files.writeString(tiersFile, shippedTiers.replace("deadline-ms: 30000", "deadline-ms: -1"));
        try {
            awaitStatus(status -> !status.getLastError().isEmpty());
            assertThat(configStatus().getLastError()).contains("tier 'scripted': deadline-ms must be at least 1");
            assertThat(configStatus().getConfigVersion()).isEqualTo(version);
            assertThat(reason(scripted("think=1 answer=1").build()).getBudget().getDeadlineMs())
                    .isPositive();
        } finally {
            Files.writeString(tiersFile, shippedTiers);
            awaitStatus(status -> status.getLastError().isEmpty());
        }
    }

    @Test
    @Order(14)
    void aTierThatSendsItsCutRequestsToReviewHasThemListedAsRequired() throws Exception {
        assertThat(shippedTiers).containsOnlyOnce("    model: scripted\n");
        editTiers(shippedTiers.replace("    model: scripted\n", "    model: scripted\n    review: all-cut\n"));
        try {
            ReasonResponse cut = reason(
                    scripted("close=no answer=2").setThinkingBudgetTokens(5).build());

            AuditEvent event = AuditEvents.await(audit, cut.getRequestId(), Duration.ofSeconds(60));
            assertThat(event.getReview().getRule()).isEqualTo("all-cut");
            assertThat(event.getReview().getRequired()).isTrue();
            ListReviewQueueResponse required = ApiKeys.attach(
                            ReviewServiceGrpc.newBlockingStub(auditChannel), mesh.auditApiKey())
                    .withDeadlineAfter(30, TimeUnit.SECONDS)
                    .listReviewQueue(ListReviewQueueRequest.newBuilder()
                            .setTenant(event.getTenant())
                            .setRequiredOnly(true)
                            .build());
            assertThat(required.getItemsList())
                    .extracting(item -> item.getEvent().getResponse().getRequestId())
                    .contains(cut.getRequestId());
            assertThat(required.getItemsList())
                    .allSatisfy(item -> assertThat(item.getEvent().getReview().getRequired())
                            .isTrue());
        } finally {
            editTiers(shippedTiers);
        }
    }

    @Test
    @Order(100)
    void stoppedTritonGivesUnavailableWithinTheDeadline() {
        mesh.stopTriton();

        StatusRuntimeException e = catchThrowableOfType(
                StatusRuntimeException.class,
                () -> router.withDeadlineAfter(30, TimeUnit.SECONDS)
                        .reason(scripted("think=1").build()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    }

    @Test
    @Order(101)
    void stoppedTritonMakesDecoderAndSolutionUnreadyButLeavesThemLive() {
        for (String service : List.of("decoder-service", "solution-service")) {
            HttpResponse<String> ready = HttpGet.get(mesh.managementPort(service), "/q/health/ready");
            assertThat(ready.statusCode()).as(service + " ready").isEqualTo(503);
            assertThat(ready.body()).contains("\"triton\"", "Triton unreachable");
            assertThat(HttpGet.get(mesh.managementPort(service), "/q/health/live")
                            .statusCode())
                    .as(service + " live")
                    .isEqualTo(200);
        }
        // The router's readiness and every service's gRPC health follow them down and back up: TritonOutageIT.
    }
}
