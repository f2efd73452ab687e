package io.elasticmesh.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.cli.ApiKeys;
import io.elasticmesh.cli.Context;
import io.elasticmesh.cli.MeshCli;
import io.elasticmesh.edge.Limits;
import io.elasticmesh.local.LocalMesh;
import io.elasticmesh.local.quarkus.HttpGet;
import io.elasticmesh.proto.audit.v1.AuditEvent;
import io.elasticmesh.proto.audit.v1.AuditServiceGrpc;
import io.elasticmesh.proto.audit.v1.GetAuditEventRequest;
import io.elasticmesh.proto.audit.v1.VerifyAuditChainRequest;
import io.elasticmesh.proto.audit.v1.VerifyAuditChainResponse;
import io.elasticmesh.proto.reasoning.v1.BudgetRouterGrpc;
import io.elasticmesh.proto.reasoning.v1.ChatMessage;
import io.elasticmesh.proto.reasoning.v1.ListQuarantinedAuditEventsRequest;
import io.elasticmesh.proto.reasoning.v1.QuarantinedAuditEvent;
import io.elasticmesh.proto.reasoning.v1.ReasonRequest;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import io.elasticmesh.proto.reasoning.v1.ReplayQuarantinedAuditEventRequest;
import io.elasticmesh.proto.reasoning.v1.RouterAdminGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Audit delivery through the whole mesh (packaged services, real Triton with the scripted model, real Kafka, real
 * PostgreSQL) while its parts fail: Kafka stopped, PostgreSQL crashed, audit-service and the router killed, an event
 * too large to deliver. Each test counts the cut requests answered against the events stored (nothing lost, nothing
 * stored twice, the tenant's chain intact) and follows readiness down and back up.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditIT {

    private static final int BURST = 20;

    private Path workDir;
    private LocalMesh mesh;
    private ManagedChannel routerChannel;
    private ManagedChannel auditChannel;
    private BudgetRouterGrpc.BudgetRouterBlockingStub router;

    @BeforeAll
    void startMesh() {
        workDir = Path.of(System.getProperty("mesh.work")).resolveSibling("mesh-audit");
        mesh = LocalMesh.start(
                LocalMesh.Options.ephemeral(Path.of(System.getProperty("mesh.root")), workDir, List.of("scripted")));
        routerChannel = ManagedChannelBuilder.forAddress("127.0.0.1", mesh.routerPort())
                .usePlaintext()
                .build();
        router = BudgetRouterGrpc.newBlockingStub(routerChannel);
        connectAudit();
    }

    private void connectAudit() {
        if (auditChannel != null) {
            auditChannel.shutdownNow();
        }
        auditChannel = ManagedChannelBuilder.forAddress("127.0.0.1", mesh.auditPort())
                .usePlaintext()
                .maxInboundMessageSize(Context.MAX_REPLY_BYTES)
                .build();
    }

    private AuditServiceGrpc.AuditServiceBlockingStub audit() {
        return ApiKeys.attach(AuditServiceGrpc.newBlockingStub(auditChannel), mesh.auditApiKey())
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @AfterAll
    void stopMesh() {
        routerChannel.shutdownNow();
        auditChannel.shutdownNow();
        mesh.close();
    }

    /** A request whose thinking is cut at 3 tokens, so its tier audits it. */
    private ReasonResponse cutRequest(String tenant, int i) {
        return cutRequest(tenant, "Request " + i + ".");
    }

    private ReasonResponse cutRequest(String tenant, String message) {
        return cutRequest(tenant, List.of(), message);
    }

    /** A cut request whose conversation starts with {@code attachments}, one user turn each. */
    private ReasonResponse cutRequest(String tenant, List<String> attachments, String message) {
        ReasonRequest.Builder request = ReasonRequest.newBuilder()
                .setTier("scripted")
                .setTenant(tenant)
                .setThinkingBudgetTokens(3)
                .setSolutionBudgetTokens(2);
        attachments.forEach(text -> request.addMessages(
                ChatMessage.newBuilder().setRole(ChatMessage.Role.ROLE_USER).setContent(text)));
        return router.withDeadlineAfter(2, TimeUnit.MINUTES)
                .reason(request.addMessages(ChatMessage.newBuilder()
                                .setRole(ChatMessage.Role.ROLE_USER)
                                .setContent(message + " [[script close=no answer=1]]"))
                        .build());
    }

    /** A failure injected into the running mesh. */
    private interface Fault {
        void inject() throws Exception;
    }

    /** The request ids of the cut requests answered during a burst, and how many failed. */
    private record Burst(List<String> answered, int failed) {}

    /**
     * Cut requests of {@code tenant} one after another; once the first is stored, {@code fault} is injected while
     * they go on; then the requests stop. A request the router did not answer promised no audit event.
     */
    private Burst burstAround(String tenant, Fault fault) throws Exception {
        CompletableFuture<Void> stop = new CompletableFuture<>();
        CompletableFuture<Burst> sending = CompletableFuture.supplyAsync(() -> {
            List<String> ids = new ArrayList<>();
            int failed = 0;
            for (int i = 0; !stop.isDone(); i++) {
                try {
                    ids.add(cutRequest(tenant, i).getRequestId());
                } catch (StatusRuntimeException e) {
                    failed++;
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                }
            }
            return new Burst(ids, failed);
        });
        try {
            while (StoredAudit.requestIds(audit(), tenant).isEmpty()) {
                Thread.sleep(100);
            }
            fault.inject();
        } finally {
            stop.complete(null);
        }
        return sending.get(5, TimeUnit.MINUTES);
    }

    /** Every answered request has exactly one stored event, and the tenant's chain holds them all. */
    private void assertEachStoredOnce(String tenant, List<String> answered) throws InterruptedException {
        assertThat(StoredAudit.await(this::audit, tenant, answered.size()))
                .containsExactlyInAnyOrderElementsOf(answered);
        assertChainIntact(tenant, answered.size());
    }

    /** The HTTP status of a service's health endpoint, or 0 while nothing answers on its port in time. */
    private int health(String module, String endpoint) {
        try {
            return HttpGet.get(mesh.managementPort(module), "/q/health/" + endpoint)
                    .statusCode();
        } catch (UncheckedIOException e) {
            return 0;
        }
    }

    /**
     * Waits until a service's readiness is {@code ready}: 200, or anything else (503, or no answer within the
     * HTTP client's timeout, as a Kubernetes probe sees it: the Kafka check waits for the broker).
     */
    private void awaitReady(String module, boolean ready) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while ((health(module, "ready") == 200) != ready) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(module + " never became " + (ready ? "ready" : "not ready"));
            }
            Thread.sleep(250);
        }
    }

    private void awaitLog(String module, String line) throws Exception {
        Path log = workDir.resolve("logs").resolve(module + ".log");
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!Files.readString(log).contains(line)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(module + " never logged '" + line + "'");
            }
            Thread.sleep(250);
        }
    }

    private RouterAdminGrpc.RouterAdminBlockingStub admin() {
        return RouterAdminGrpc.newBlockingStub(routerChannel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private void assertChainIntact(String tenant, int links) {
        VerifyAuditChainResponse chain = audit().verifyAuditChain(
                        VerifyAuditChainRequest.newBuilder().setTenant(tenant).build());
        assertThat(chain.getIntact()).as(chain.getFirstBreak().getProblem()).isTrue();
        assertThat(chain.getLinksChecked()).isEqualTo(links);
    }

    @Test
    void kafkaDownDuringABurstLosesAndDuplicatesNothing() throws Exception {
        String tenant = "burst-" + UUID.randomUUID();
        List<String> sent = new ArrayList<>();
        mesh.stopKafka();
        try {
            awaitReady("audit-service", false);
            // Answered although Kafka is down: the request path waits for the router's disk only.
            for (int i = 0; i < BURST; i++) {
                sent.add(cutRequest(tenant, i).getRequestId());
            }
            // Longer than the router's send timeout (2 s in a local mesh): delivery fails and the events wait in the
            // router's spool, to be replayed from there.
            Thread.sleep(4_000);
            assertThat(StoredAudit.requestIds(audit(), tenant)).isEmpty();
            // The router answers from its spool: Kafka is not its readiness.
            assertThat(health("budget-router", "ready")).isEqualTo(200);
        } finally {
            mesh.resumeKafka();
        }

        awaitReady("audit-service", true);
        assertEachStoredOnce(tenant, sent);
        assertThat(Files.readString(workDir.resolve("logs/budget-router.log")))
                .contains("audit events not delivered")
                .contains("Kafka reachable again");
    }

    @Test
    void auditServiceRestartedMidStreamLosesAndDuplicatesNothing() throws Exception {
        String tenant = "restart-" + UUID.randomUUID();

        Burst burst = burstAround(tenant, () -> {
            mesh.restartAudit();
            connectAudit();
        });

        assertThat(burst.failed()).isZero();
        assertEachStoredOnce(tenant, burst.answered());
    }

    @Test
    void databaseCrashedMidBurstIsRiddenOutLosingAndDuplicatingNothing() throws Exception {
        String tenant = "pg-crash-" + UUID.randomUUID();

        Burst burst = burstAround(tenant, () -> {
            mesh.crashPostgres();
            try {
                awaitReady("audit-service", false);
                // Events keep arriving; the listener meets the dead database and retries, its channel alive.
                awaitLog("audit-service", "audit events was not stored");
                // The datasource check answers at once: DOWN.
                assertThat(health("audit-service", "ready")).isEqualTo(503);
                Thread.sleep(5_000);
                assertThat(health("audit-service", "live")).isEqualTo(200);
            } finally {
                mesh.startPostgres();
            }
            awaitReady("audit-service", true);
            awaitLog("audit-service", "audit store reachable again");
        });

        // The request path never touches the database.
        assertThat(burst.failed()).isZero();
        assertEachStoredOnce(tenant, burst.answered());
        assertThat(health("audit-service", "live")).isEqualTo(200);
    }

    @Test
    void auditServiceKilledMidBurstLosesAndDuplicatesNothing() throws Exception {
        String tenant = "audit-kill-" + UUID.randomUUID();

        Burst burst = burstAround(tenant, () -> {
            mesh.killService("audit-service");
            assertThat(health("audit-service", "ready")).isZero();
            mesh.startService("audit-service", Map.of());
            connectAudit();
            assertThat(health("audit-service", "ready")).isEqualTo(200);
        });

        assertThat(burst.failed()).isZero();
        assertEachStoredOnce(tenant, burst.answered());
    }

    @ParameterizedTest
    @ValueSource(strings = {"decoder-service", "solution-service"})
    void aModelServiceKilledMidBurstFailsRequestsButEveryAnsweredOneIsStoredOnce(String module) throws Exception {
        String tenant = "kill-" + module + "-" + UUID.randomUUID();

        Burst burst = burstAround(tenant, () -> {
            mesh.killService(module);
            awaitReady("budget-router", false);
            mesh.startService(module, Map.of());
            awaitReady("budget-router", true);
        });

        assertThat(burst.failed()).isPositive();
        assertEachStoredOnce(tenant, burst.answered());
    }

    @Test
    void routerKilledWithSpooledEventsDeliversThemAfterItsRestart() throws Exception {
        String tenant = "router-kill-" + UUID.randomUUID();
        List<String> sent = new ArrayList<>();
        mesh.stopKafka();
        try {
            for (int i = 0; i < BURST; i++) {
                sent.add(cutRequest(tenant, i).getRequestId());
            }
            // Every answered event is on the router's disk, none in Kafka: kill -9 now loses only memory.
            mesh.killService("budget-router");
            assertThat(health("budget-router", "ready")).isZero();
        } finally {
            mesh.resumeKafka();
        }
        mesh.startService("budget-router", Map.of());
        assertThat(health("budget-router", "ready")).isEqualTo(200);

        assertEachStoredOnce(tenant, sent);
    }

    /**
     * A router stopped for good (a scale-down) right after Kafka came back: its drain delivers the spool before it
     * exits, so a replacement on a fresh, empty volume has nothing left to replay and nothing is lost.
     */
    @Test
    void aRouterStoppedForGoodDrainsItsSpoolBeforeItExits() throws Exception {
        String tenant = "router-drain-" + UUID.randomUUID();
        List<String> sent = new ArrayList<>();
        mesh.stopKafka();
        try {
            for (int i = 0; i < BURST; i++) {
                sent.add(cutRequest(tenant, i).getRequestId());
            }
        } finally {
            mesh.resumeKafka();
        }
        try {
            // SIGTERM now, while the sender still backs off: only the drain can deliver the burst.
            mesh.startService(
                    "budget-router",
                    Map.of(
                            "router.audit.spool-dir",
                            workDir.resolve("router-audit-spool-replacement").toString()));

            assertEachStoredOnce(tenant, sent);
        } finally {
            mesh.startService("budget-router", Map.of());
        }
    }

    @Test
    void anEventTooLargeToDeliverIsQuarantinedVisiblyBlocksNothingAndIsReplayedOnceTheLimitAllowsIt() throws Exception {
        String tenant = "large-" + UUID.randomUUID();
        // 1.5 MiB of random letters: lz4 cannot shrink it below Kafka's default 1 MiB limits, so every hop's size
        // setting is exercised. Six messages at the content limit (Limits.CONTENT_CHARS), each one word to the
        // scripted model, so no prompt-length limit comes into play.
        Random random = new Random(12);
        List<String> large = IntStream.range(0, 6)
                .mapToObj(i -> random.ints(Limits.CONTENT_CHARS, 'a', 'z' + 1)
                        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                        .toString())
                .toList();
        // A router whose limit (1 MiB) is below the 1.5 MiB event: the event can never be delivered.
        mesh.startService("budget-router", Map.of("router.audit.max-event-bytes", String.valueOf(1 << 20)));
        ReasonResponse tooLarge = cutRequest(tenant, large, "Attachments above.");
        List<String> after = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            after.add(cutRequest(tenant, i).getRequestId());
        }

        assertThat(StoredAudit.await(this::audit, tenant, after.size())).containsExactlyInAnyOrderElementsOf(after);
        QuarantinedAuditEvent quarantined = admin()
                .listQuarantinedAuditEvents(ListQuarantinedAuditEventsRequest.getDefaultInstance())
                .getEventsList()
                .stream()
                .filter(e -> e.getRequestId().equals(tooLarge.getRequestId()))
                .findFirst()
                .orElseThrow();
        assertThat(quarantined.getTenant()).isEqualTo(tenant);
        assertThat(quarantined.getSizeBytes()).isGreaterThan(1 << 20);
        assertThat(quarantined.getReason()).contains("above router.audit.max-event-bytes (1048576)");
        assertThat(HttpGet.get(mesh.managementPort("budget-router"), "/q/metrics")
                        .body())
                .containsPattern("(?m)^elastic_audit_quarantine_depth\\S* [1-9]");
        awaitLog("budget-router", "audit event " + quarantined.getEventId() + " of request " + tooLarge.getRequestId());

        // The shipped limit (8 MiB, and Kafka's sizes to match) takes it: replay it, and send another one like it.
        mesh.startService("budget-router", Map.of());
        admin().replayQuarantinedAuditEvent(ReplayQuarantinedAuditEventRequest.newBuilder()
                .setSpoolSequence(quarantined.getSpoolSequence())
                .build());
        ReasonResponse large2 = cutRequest(tenant, large, "Attachments above.");

        List<String> all = new ArrayList<>(after);
        all.add(tooLarge.getRequestId());
        all.add(large2.getRequestId());
        assertEachStoredOnce(tenant, all);
        assertThat(admin().listQuarantinedAuditEvents(ListQuarantinedAuditEventsRequest.getDefaultInstance())
                        .getEventsList())
                .noneMatch(e -> e.getRequestId().equals(tooLarge.getRequestId()));
        AuditEvent stored = audit().getAuditEvent(GetAuditEventRequest.newBuilder()
                        .setRequestId(tooLarge.getRequestId())
                        .build())
                .getEvent();
        assertThat(stored.getRequest().getMessagesList())
                .extracting(ChatMessage::getContent)
                .startsWith(large.toArray(String[]::new));
    }

    /** {@code ./mesh audit ARGS} against this mesh. */
    private String cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> line = new ArrayList<>(List.of("audit"));
        line.addAll(List.of(args));
        line.addAll(List.of("--audit", "127.0.0.1:" + mesh.auditPort(), "--api-key", mesh.auditApiKey()));
        int status = MeshCli.execute(
                new Context(new PrintWriter(out, true), new PrintWriter(err, true), Map.of(), Context::plaintext),
                line.toArray(String[]::new));
        assertThat(status).as(out + "\n" + err).isZero();
        return out.toString();
    }

    @Test
    void commandLineListsShowsAndVerifiesForPeople() throws Exception {
        String tenant = "cli-" + UUID.randomUUID();
        ReasonResponse cut = cutRequest(tenant, 1);
        StoredAudit.await(this::audit, tenant, 1);

        assertThat(cli("list", "--tenant", tenant, "--since", "1h", "--cut-only", "--reason", "token-budget"))
                .contains(cut.getRequestId())
                .contains("scripted")
                .contains("1 event(s)");
        assertThat(cli("show", cut.getRequestId()))
                .contains("cut          yes, at 3 tokens (TRUNCATION_REASON_TOKEN_BUDGET), forced delimiters 1")
                .contains("thinking     " + cut.getThinkingText())
                .contains("budgets      thinking 3 (requested 3), solution 2 (requested 2)")
                .contains("chain        link 1");
        assertThat(cli("verify", "--tenant", tenant))
                .contains("chain of tenant '" + tenant + "' intact: 1 link(s) checked");
    }
}
