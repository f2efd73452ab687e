package io.elasticmesh.it;

import static io.elasticmesh.it.SharedMesh.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elasticmesh.cli.ApiKeys;
import io.elasticmesh.local.LocalMesh;
import io.elasticmesh.proto.audit.v1.AuditServiceGrpc;
import io.elasticmesh.proto.reasoning.v1.BudgetRouterGrpc;
import io.elasticmesh.proto.reasoning.v1.ReasonRequest;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import io.elasticmesh.proto.reasoning.v1.StreamReasonRequest;
import io.elasticmesh.proto.reasoning.v1.StreamReasonResponse;
import io.elasticmesh.proto.reasoning.v1.TokenUsage;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three router processes as one mesh (README, "What router replicas share"): the same decoder and solution services,
 * one Triton with the scripted model, one Kafka and one PostgreSQL, each router with its own ports, replica id and
 * audit spool. A tenant's quota and a tier's concurrency hold across them, a router killed with spooled events has
 * them replayed by its replacement, and requests spread over the routers keep a single router's guarantees.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RouterReplicasIT {

    /** One slot per router of three; no queue, so a slot taken shows as the next request's refusal. */
    private static final String SPLIT_TIER = """
              it-split:
                model: scripted
                thinking-budget-tokens: 64
                solution-budget-tokens: 32
                deadline-ms: 30000
                max-concurrent-requests: 3
                queue-limit: 0
            """;

    private static final long TOKENS_PER_MINUTE = 600;
    private static final String METERED_TENANT = """
              it-metered:
                allowed-tiers: [scripted]
                default-tier: scripted
                tokens-per-minute: %d
            """.formatted(TOKENS_PER_MINUTE);
    /** router.shared.quota-slice-fraction's default: 5% of 600 tokens. */
    private static final long SLICE = 30;

    /** ReplicaCoordination's log lines: "one of N live routers" at start-up, "live routers: N" on a change. */
    private static final Pattern LIVE_COUNT = Pattern.compile("(?:one of |live routers: )(\\d+)");

    private LocalMesh mesh;
    /** The routers by service name, the first one's first. */
    private final Map<String, ManagedChannel> routers = new LinkedHashMap<>();

    private ManagedChannel auditChannel;

    @BeforeAll
    void startMesh() throws Exception {
        LocalMesh.Options options = LocalMesh.Options.ephemeral(
                Path.of(System.getProperty("mesh.root")),
                Path.of(System.getProperty("mesh.work")).resolve("router-replicas"),
                List.of("scripted"));
        String shipped = Files.readString(options.tiersFile());
        Path tiers = Files.createDirectories(options.workDir()).resolve("tiers.yaml");
        Files.writeString(
                tiers,
                shipped.replace("\ntiers:\n", "\ntiers:\n" + SPLIT_TIER)
                        .replace("\ntenants:\n", "\ntenants:\n" + METERED_TENANT));
        mesh = LocalMesh.start(options.withTiersFile(tiers));
        List<String> names = List.of(
                "budget-router",
                mesh.startRouterReplica("router-1", Map.of()),
                mesh.startRouterReplica("router-2", Map.of()));
        for (String name : names) {
            connect(name);
        }
        auditChannel = ManagedChannelBuilder.forAddress("127.0.0.1", mesh.auditPort())
                .usePlaintext()
                .build();
        for (String name : names) {
            awaitLiveRouters(name, 3);
        }
    }

    @AfterAll
    void stopMesh() {
        routers.values().forEach(ManagedChannel::shutdownNow);
        if (auditChannel != null) {
            auditChannel.shutdownNow();
        }
        if (mesh != null) {
            mesh.close();
        }
    }

    private void connect(String name) {
        ManagedChannel old = routers.put(
                name,
                ManagedChannelBuilder.forAddress("127.0.0.1", mesh.grpcPort(name))
                        .usePlaintext()
                        .build());
        if (old != null) {
            old.shutdownNow();
        }
    }

    private BudgetRouterGrpc.BudgetRouterBlockingStub router(String name) {
        return BudgetRouterGrpc.newBlockingStub(routers.get(name)).withDeadlineAfter(1, TimeUnit.MINUTES);
    }

    private List<String> names() {
        return List.copyOf(routers.keySet());
    }

    private static ReasonRequest.Builder request(String tier, String tenant, String directive) {
        return ReasonRequest.newBuilder()
                .setTier(tier)
                .setTenant(tenant)
                .addMessages(user("Solve it. [[script " + directive + "]]"));
    }

    /** Waits until the router's log says it last counted {@code live} routers (its share follows that count). */
    private void awaitLiveRouters(String name, int live) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (lastLiveCount(name) != live) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + " never counted " + live + " live routers; see " + mesh.logFile(name));
            }
            Thread.sleep(200);
        }
    }

    /** The live routers the router last logged: at start-up ("one of N live routers") or on a change. */
    private int lastLiveCount(String name) throws IOException {
        int count = 0;
        for (String line : Files.readAllLines(mesh.logFile(name))) {
            Matcher m = LIVE_COUNT.matcher(line);
            if (m.find()) {
                count = Integer.parseInt(m.group(1));
            }
        }
        return count;
    }

    private static long charged(TokenUsage usage) {
        return usage.getPromptTokens() + usage.getThinkingTokens() + usage.getSolutionTokens();
    }

    @Test
    @Order(1)
    void aTenantSpendingItsQuotaThroughThreeRoutersIsRefusedWithinOneSliceAndRequestPerRouter() {
        List<String> names = names();
        long used = 0;
        long largest = 0;
        int[] answeredBy = new int[names.size()];
        int refusedInARow = 0;
        long start = System.nanoTime();
        for (int i = 0; i < 500 && refusedInARow < names.size(); i++) {
            int r = i % names.size();
            try {
                ReasonResponse reply = router(names.get(r))
                        .reason(request("scripted", "it-metered", "think=4 answer=2")
                                .build());
                used += charged(reply.getUsage());
                largest = Math.max(largest, charged(reply.getUsage()));
                answeredBy[r]++;
                refusedInARow = 0;
            } catch (StatusRuntimeException e) {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                assertThat(e.getStatus().getDescription())
                        .contains("tenant 'it-metered' used its quota of 600 tokens per minute");
                refusedInARow++;
            }
        }
        double refill = (System.nanoTime() - start) / 60e9 * TOKENS_PER_MINUTE;

        assertThat(refusedInARow).as("every router refuses in turn").isEqualTo(names.size());
        assertThat(answeredBy).as("answers from every router").doesNotContain(0);
        // README, "Leased quotas": at most one slice per replica beyond the bucket and its refill, plus the request
        // each replica admitted on its last token (debt, as with one router).
        assertThat((double) used)
                .isLessThanOrEqualTo(TOKENS_PER_MINUTE + refill + names.size() * (SLICE + largest))
                .isGreaterThanOrEqualTo(TOKENS_PER_MINUTE - names.size() * SLICE);
    }

    @Test
    @Order(2)
    void aTiersConcurrencyHoldsAcrossTheRouters() throws Exception {
        Context.CancellableContext calls = Context.current().withCancellation();
        try {
            // One long request on each router takes the mesh's three slots of it-split: its first event shows it
            // admitted.
            for (String name : names()) {
                Iterator<StreamReasonResponse> held = calls.call(() -> router(name)
                        .streamReason(StreamReasonRequest.newBuilder()
                                .setRequest(request("it-split", "it-split", "close=no delay_ms=100"))
                                .build()));
                assertThat(held.next().getEventCase()).isEqualTo(StreamReasonResponse.EventCase.THINKING_DELTA);
            }

            for (String name : names()) {
                assertThatThrownBy(() -> router(name)
                                .reason(request("it-split", "it-split", "think=1 answer=1")
                                        .build()))
                        .as(name + " admits no more than its share")
                        .isInstanceOfSatisfying(
                                StatusRuntimeException.class,
                                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
            }
        } finally {
            calls.cancel(null);
        }
    }

    @Test
    @Order(3)
    void aRouterKilledWithSpooledEventsHasThemReplayedByItsReplacementWhileTheOthersServe() throws Exception {
        String killed = names().get(2);
        String tenant = "replicas-kill-" + UUID.randomUUID();
        List<String> sent = new ArrayList<>();
        mesh.stopKafka();
        try {
            for (int i = 0; i < 5; i++) {
                // Cut at 3 thinking tokens: the scripted tier audits it.
                sent.add(router(killed)
                        .reason(request("scripted", tenant, "close=no answer=1")
                                .setThinkingBudgetTokens(3)
                                .setSolutionBudgetTokens(2)
                                .build())
                        .getRequestId());
            }
            mesh.killService(killed);
        } finally {
            mesh.resumeKafka();
        }

        // The others drop the dead router after router.shared.replica-ttl and keep answering within their budgets.
        awaitLiveRouters(names().get(0), 2);
        spreadRequestsKeepTheirBudgets(names().subList(0, 2));

        mesh.startService(killed, Map.of());
        connect(killed);
        assertThat(StoredAudit.await(this::audit, tenant, sent.size())).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(Files.readString(mesh.logFile(killed))).contains("one of 3 live routers");
    }

    @Test
    @Order(4)
    void requestsSpreadOverTheRoutersAreAllAnsweredWithinTheirBudgets() {
        spreadRequestsKeepTheirBudgets(names());
    }

    private void spreadRequestsKeepTheirBudgets(List<String> names) {
        for (int i = 0; i < 4 * names.size(); i++) {
            ReasonResponse reply = router(names.get(i % names.size()))
                    .reason(request("scripted", "it-spread", "think=20 answer=9")
                            .setThinkingBudgetTokens(5)
                            .setSolutionBudgetTokens(3)
                            .build());
            assertThat(reply.getSolutionText()).isNotEmpty();
            assertThat(reply.getUsage().getThinkingTokens()).isLessThanOrEqualTo(5);
            assertThat(reply.getUsage().getSolutionTokens()).isLessThanOrEqualTo(3);
        }
    }

    private AuditServiceGrpc.AuditServiceBlockingStub audit() {
        return ApiKeys.attach(AuditServiceGrpc.newBlockingStub(auditChannel), mesh.auditApiKey())
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }
}
