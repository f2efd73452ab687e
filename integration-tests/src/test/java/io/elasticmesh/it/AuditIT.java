package io.elasticmesh.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.local.ApiKeys;
import io.elasticmesh.local.AuditCli;
import io.elasticmesh.local.LocalMesh;
import io.elasticmesh.proto.audit.v1.AuditEvent;
import io.elasticmesh.proto.audit.v1.AuditServiceGrpc;
import io.elasticmesh.proto.audit.v1.ListAuditEventsRequest;
import io.elasticmesh.proto.audit.v1.ListAuditEventsResponse;
import io.elasticmesh.proto.audit.v1.VerifyAuditChainRequest;
import io.elasticmesh.proto.audit.v1.VerifyAuditChainResponse;
import io.elasticmesh.proto.reasoning.v1.BudgetRouterGrpc;
import io.elasticmesh.proto.reasoning.v1.ChatMessage;
import io.elasticmesh.proto.reasoning.v1.ReasonRequest;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Audit delivery through the whole mesh (packaged services, real Triton with the scripted model, real Kafka, real
 * PostgreSQL) while its parts fail: nothing is lost and nothing is stored twice.
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
        mesh = LocalMesh.start(LocalMesh.Options.ephemeral(Path.of(System.getProperty("mesh.root")), workDir,
                List.of("scripted")));
        routerChannel = ManagedChannelBuilder.forAddress("127.0.0.1", mesh.routerPort()).usePlaintext().build();
        router = BudgetRouterGrpc.newBlockingStub(routerChannel);
        connectAudit();
    }

    private void connectAudit() {
        if (auditChannel != null) {
            auditChannel.shutdownNow();
        }
        auditChannel = ManagedChannelBuilder.forAddress("127.0.0.1", mesh.auditPort()).usePlaintext().build();
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
        return router.withDeadlineAfter(2, TimeUnit.MINUTES).reason(ReasonRequest.newBuilder().setTier("scripted")
                .setTenant(tenant).setThinkingBudgetTokens(3).setSolutionBudgetTokens(2)
                .addMessages(ChatMessage.newBuilder().setRole(ChatMessage.Role.ROLE_USER)
                        .setContent("Request " + i + ". [[script close=no answer=1]]"))
                .build());
    }

    private List<String> storedRequestIds(String tenant) {
        List<String> ids = new ArrayList<>();
        String token = "";
        do {
            ListAuditEventsResponse page = audit().listAuditEvents(ListAuditEventsRequest.newBuilder()
                    .setTenant(tenant).setPageSize(7).setPageToken(token).build());
            page.getEventsList().stream().map(AuditEvent::getResponse).map(ReasonResponse::getRequestId)
                    .forEach(ids::add);
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        return ids;
    }

    /** Waits until at least {@code count} events of {@code tenant} are stored, then returns what is stored. */
    private List<String> awaitStored(String tenant, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        List<String> stored = List.of();
        while (System.nanoTime() < deadline) {
            try {
                stored = storedRequestIds(tenant);
                if (stored.size() >= count) {
                    // Anything delivered twice would arrive right behind the first copy.
                    Thread.sleep(2_000);
                    return storedRequestIds(tenant);
                }
            } catch (StatusRuntimeException e) {
                // audit-service restarting
            }
            Thread.sleep(250);
        }
        throw new AssertionError("only " + stored.size() + " of " + count + " events of " + tenant + " stored");
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
            for (int i = 0; i < BURST; i++) {
                long start = System.nanoTime();
                sent.add(cutRequest(tenant, i).getRequestId());
                // The answer does not wait for Kafka (tier deadline 30 s; a blocked audit path would show here).
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            }
            // Longer than the router's send timeout (2 s in a local mesh): delivery fails and the events wait in the
            // router's spool, to be replayed from there.
            Thread.sleep(4_000);
            assertThat(storedRequestIds(tenant)).isEmpty();
        } finally {
            mesh.resumeKafka();
        }

        List<String> stored = awaitStored(tenant, BURST);

        assertThat(stored).containsExactlyInAnyOrderElementsOf(sent);
        assertChainIntact(tenant, BURST);
        assertThat(Files.readString(workDir.resolve("logs/budget-router.log")))
                .contains("audit events not delivered").contains("Kafka reachable again");
    }

    @Test
    void auditServiceRestartedMidStreamLosesAndDuplicatesNothing() throws Exception {
        String tenant = "restart-" + UUID.randomUUID();
        CompletableFuture<List<String>> sending = CompletableFuture.supplyAsync(() -> {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < BURST; i++) {
                ids.add(cutRequest(tenant, i).getRequestId());
            }
            return ids;
        });
        while (storedRequestIds(tenant).isEmpty()) {
            Thread.sleep(100);
        }

        mesh.restartAudit();
        connectAudit();
        List<String> sent = sending.get(5, TimeUnit.MINUTES);

        List<String> stored = awaitStored(tenant, BURST);
        assertThat(stored).containsExactlyInAnyOrderElementsOf(sent);
        assertChainIntact(tenant, BURST);
    }

    private String cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = new AuditCli(new PrintStream(out, true, StandardCharsets.UTF_8), audit())
                .run(new ArrayDeque<>(List.of(args)));
        assertThat(status).as(out.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void commandLineListsShowsAndVerifiesForPeople() throws Exception {
        String tenant = "cli-" + UUID.randomUUID();
        ReasonResponse cut = cutRequest(tenant, 1);
        awaitStored(tenant, 1);

        assertThat(cli("list", "--tenant", tenant, "--since", "1h", "--cut-only", "--reason", "token-budget"))
                .contains(cut.getRequestId()).contains("scripted").contains("1 event(s)");
        assertThat(cli("show", cut.getRequestId()))
                .contains("cut          yes, at 3 tokens (TRUNCATION_REASON_TOKEN_BUDGET), forced delimiters 1")
                .contains("thinking     " + cut.getThinkingText())
                .contains("budgets      thinking 3 (requested 3), solution 2 (requested 2)")
                .contains("chain        link 1");
        assertThat(cli("verify", "--tenant", tenant))
                .contains("chain of tenant '" + tenant + "' intact: 1 link(s) checked");
    }
}
