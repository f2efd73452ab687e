package io.elasticmesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.elasticmesh.proto.audit.v1.AuditEvent;
import io.elasticmesh.proto.audit.v1.AuditServiceGrpc;
import io.elasticmesh.proto.audit.v1.ChainBreak;
import io.elasticmesh.proto.audit.v1.ChainLink;
import io.elasticmesh.proto.audit.v1.GetAuditEventRequest;
import io.elasticmesh.proto.audit.v1.GetAuditEventResponse;
import io.elasticmesh.proto.audit.v1.ListAuditEventsRequest;
import io.elasticmesh.proto.audit.v1.ListAuditEventsResponse;
import io.elasticmesh.proto.audit.v1.VerifyAuditChainRequest;
import io.elasticmesh.proto.audit.v1.VerifyAuditChainResponse;
import io.elasticmesh.proto.reasoning.v1.AppliedBudget;
import io.elasticmesh.proto.reasoning.v1.ChatMessage;
import io.elasticmesh.proto.reasoning.v1.FinishReason;
import io.elasticmesh.proto.reasoning.v1.PhaseTimings;
import io.elasticmesh.proto.reasoning.v1.ReasonRequest;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import io.elasticmesh.proto.reasoning.v1.TokenUsage;
import io.elasticmesh.proto.reasoning.v1.TruncationReason;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./mesh audit list | show | verify} against an in-process fake of audit-service. */
class AuditCommandTests {

    private final List<ListAuditEventsRequest> listed = new CopyOnWriteArrayList<>();
    private VerifyAuditChainResponse verification;
    private final FakeMesh mesh;

    AuditCommandTests() throws Exception {
        mesh = new FakeMesh(new AuditServiceGrpc.AuditServiceImplBase() {
            @Override
            public void listAuditEvents(ListAuditEventsRequest request, StreamObserver<ListAuditEventsResponse> reply) {
                listed.add(request);
                // Three events in all, served in pages of at most two.
                int from = request.getPageToken().isEmpty() ? 0 : Integer.parseInt(request.getPageToken());
                int to = Math.min(3, from + Math.min(2, request.getPageSize()));
                ListAuditEventsResponse.Builder page = ListAuditEventsResponse.newBuilder();
                for (int i = from; i < to; i++) {
                    page.addEvents(event("r-" + i));
                }
                reply.onNext(
                        page.setNextPageToken(to < 3 ? String.valueOf(to) : "").build());
                reply.onCompleted();
            }

            @Override
            public void getAuditEvent(GetAuditEventRequest request, StreamObserver<GetAuditEventResponse> reply) {
                if (!request.getRequestId().equals("r-0")) {
                    reply.onError(Status.NOT_FOUND
                            .withDescription("no audit event for request_id '" + request.getRequestId() + "'")
                            .asRuntimeException());
                    return;
                }
                reply.onNext(GetAuditEventResponse.newBuilder()
                        .setEvent(event("r-0"))
                        .setLink(ChainLink.newBuilder()
                                .setPosition(1)
                                .setHash("h1")
                                .setPrevHash("h0"))
                        .build());
                reply.onCompleted();
            }

            @Override
            public void verifyAuditChain(
                    VerifyAuditChainRequest request, StreamObserver<VerifyAuditChainResponse> reply) {
                reply.onNext(verification);
                reply.onCompleted();
            }
        });
        mesh.env.put("MESH_API_KEY", "compliance-key");
    }

    @AfterEach
    void stop() throws InterruptedException {
        mesh.close();
    }

    private static AuditEvent event(String requestId) {
        return AuditEvent.newBuilder()
                .setEventId("e-" + requestId)
                .setTraceId("t-" + requestId)
                .setTenant("acme")
                .setOccurredAt(Timestamp.newBuilder().setSeconds(1_800_000_000L))
                .setRequest(ReasonRequest.newBuilder()
                        .setTier("scripted")
                        .setThinkingBudgetTokens(3)
                        .addMessages(ChatMessage.newBuilder()
                                .setRole(ChatMessage.Role.ROLE_USER)
                                .setContent("Hi.")))
                .setResponse(ReasonResponse.newBuilder()
                        .setRequestId(requestId)
                        .setThinkingText("step1 step2 step3 ")
                        .setSolutionText("done")
                        .setThinkingTruncated(true)
                        .setTruncationReason(TruncationReason.TRUNCATION_REASON_TOKEN_BUDGET)
                        .setSolutionFinishReason(FinishReason.FINISH_REASON_STOP)
                        .setUsage(TokenUsage.newBuilder()
                                .setThinkingTokens(3)
                                .setForcedDelimiters(1)
                                .setSolutionTokens(1))
                        .setBudget(AppliedBudget.newBuilder()
                                .setTier("scripted")
                                .setModel("scripted")
                                .setThinkingBudgetTokens(3)
                                .setSolutionBudgetTokens(32))
                        .setTimings(PhaseTimings.newBuilder()
                                .setThinkingMs(5)
                                .setSolutionMs(6)
                                .setTotalMs(11)))
                .build();
    }

    @Test
    void listSendsEveryFilterAndPagesUpToTheLimit() {
        FakeMesh.Result result = mesh.run(
                "audit",
                "list",
                "--tenant",
                "acme",
                "--tier",
                "scripted",
                "--model",
                "scripted",
                "--since",
                "1h",
                "--until",
                "2026-11-28T10:00:00Z",
                "--cut-only",
                "--reason",
                "deadline",
                "--request-id",
                "r",
                "--trace-id",
                "t",
                "--text",
                "step",
                "--limit",
                "3");

        assertThat(result.status()).as(result.err()).isZero();
        assertThat(result.out())
                .startsWith("occurred_at               tenant        tier        model")
                .contains("2027-01-15T08:00:00Z      acme          scripted    scripted        yes       3/3     "
                        + "r-0                                   step1 step2 step3")
                .contains("r-1")
                .contains("r-2")
                .endsWith("3 event(s)\n");
        ListAuditEventsRequest first = listed.get(0);
        assertThat(first.getTenant()).isEqualTo("acme");
        assertThat(first.getTier()).isEqualTo("scripted");
        assertThat(first.getModel()).isEqualTo("scripted");
        assertThat(first.getCutOnly()).isTrue();
        assertThat(first.getTruncationReason()).isEqualTo(TruncationReason.TRUNCATION_REASON_DEADLINE);
        assertThat(first.getRequestId()).isEqualTo("r");
        assertThat(first.getTraceId()).isEqualTo("t");
        assertThat(first.getThinkingContains()).isEqualTo("step");
        assertThat(first.getOccurredTo().getSeconds())
                .isEqualTo(Instant.parse("2026-11-28T10:00:00Z").getEpochSecond());
        long hourAgo = Instant.now().minusSeconds(3600).getEpochSecond();
        assertThat(first.getOccurredFrom().getSeconds()).isBetween(hourAgo - 600, hourAgo);
        assertThat(listed).extracting(ListAuditEventsRequest::getPageSize).containsExactly(3, 1);
        assertThat(mesh.calls).allSatisfy(call -> {
            assertThat(call.apiKey()).isEqualTo("compliance-key");
            assertThat(call.deadline()).isNotNull();
        });
    }

    @Test
    void listSaysWhenMoreMatchThanTheLimit() {
        FakeMesh.Result result = mesh.run("audit", "list", "--limit", "2");

        assertThat(result.out()).endsWith("2 event(s); more match (raise --limit)\n");
        assertThat(listed).hasSize(1);
    }

    @Test
    void showPrintsTheEventInFullWithItsChainLink() {
        FakeMesh.Result result = mesh.run("audit", "show", "r-0");

        assertThat(result.status()).as(result.err()).isZero();
        assertThat(result.out()).isEqualTo("""
                request      r-0
                event        e-r-0
                trace        t-r-0
                occurred_at  2027-01-15T08:00:00Z
                tenant       acme
                tier         scripted (model scripted, configuration -)
                budgets      thinking 3 (requested 3), solution 32 (requested tier's)
                user         Hi.
                thinking     step1 step2 step3\s
                cut          yes, at 3 tokens (TRUNCATION_REASON_TOKEN_BUDGET), forced delimiters 1
                solution     done
                finish       FINISH_REASON_STOP after 1 tokens
                timings      thinking 5 ms, solution 6 ms, total 11 ms
                chain        link 1, hash h1 (previous h0)
                """);
    }

    @Test
    void anUnknownRequestIsNotFoundOnStderrWithExitOne() {
        FakeMesh.Result result = mesh.run("audit", "show", "r-9");

        assertThat(result.status()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("mesh audit show: NOT_FOUND: no audit event for request_id 'r-9'\n");
    }

    @Test
    void verifyExitsZeroForAnIntactChainAndOneForABrokenOne() {
        verification = VerifyAuditChainResponse.newBuilder()
                .setIntact(true)
                .setLinksChecked(4)
                .setLinksRetired(1)
                .setAnchoredPosition(4)
                .build();
        FakeMesh.Result intact = mesh.run("audit", "verify", "--tenant", "acme");
        assertThat(intact.status()).isZero();
        assertThat(intact.out())
                .isEqualTo("chain of tenant 'acme' intact: 4 link(s) checked, 1 retired by "
                        + "retention, matches its anchor at link 4\n");

        verification = VerifyAuditChainResponse.newBuilder()
                .setIntact(false)
                .setLinksChecked(2)
                .setFirstBreak(ChainBreak.newBuilder()
                        .setPosition(3)
                        .setRequestId("r-2")
                        .setProblem("hash differs"))
                .build();
        FakeMesh.Result broken = mesh.run("audit", "verify", "--tenant", "acme");
        assertThat(broken.status()).isEqualTo(1);
        assertThat(broken.out())
                .isEqualTo("chain of tenant 'acme' BROKEN at link 3 (request r-2): hash differs "
                        + "(2 link(s) before it hold)\n");
    }

    @Test
    void theEndpointAndKeyOptionsWorkBeforeAndAfterTheSubcommand() {
        mesh.env.remove("MESH_AUDIT");
        mesh.env.remove("MESH_API_KEY");

        assertThat(mesh.run("audit", "--audit", mesh.target, "--api-key", "k-before", "show", "r-0")
                        .status())
                .isZero();
        assertThat(mesh.run("audit", "show", "r-0", "--audit", mesh.target, "--api-key", "k-after")
                        .status())
                .isZero();

        assertThat(mesh.calls).extracting(FakeMesh.Call::apiKey).containsExactly("k-before", "k-after");
    }

    @Test
    void withoutOptionsOrEnvironmentTheLocalMeshsEndpointAndComplianceKeyAreUsed(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve(".mesh"));
        Files.writeString(root.resolve(".mesh/ready"), """
                MESH READY
                budget-router     gRPC 127.0.0.1:9100   HTTP 127.0.0.1:8100   management 127.0.0.1:8190
                audit-service     gRPC %s   HTTP 127.0.0.1:8400   management 127.0.0.1:8490
                """.formatted(mesh.target));
        Files.writeString(root.resolve(".mesh/audit-api-key"), "local-key\n");
        mesh.env.remove("MESH_AUDIT");
        mesh.env.remove("MESH_API_KEY");
        mesh.env.put("MESH_ROOT", root.toString());

        FakeMesh.Result result = mesh.run("audit", "show", "r-0");

        assertThat(result.status()).as(result.err()).isZero();
        assertThat(mesh.onlyCall().apiKey()).isEqualTo("local-key");
    }

    @Test
    void badArgumentsAreUsageErrors() {
        assertUsageError(mesh.run("audit"), "name a command: list, show, verify, export or verify-export");
        assertUsageError(mesh.run("audit", "purge"), "purge");
        assertUsageError(
                mesh.run("audit", "list", "--reason", "bored"),
                "takes token-budget, deadline or context-window, was 'bored'");
        assertUsageError(
                mesh.run("audit", "list", "--since", "yesterday"),
                "takes a duration before now (30m, 1h, 7d) or an ISO-8601 instant");
        assertUsageError(mesh.run("audit", "list", "--limit", "0"), "--limit takes a whole number of at least 1");
        assertUsageError(mesh.run("audit", "list", "--cut-ony"), "--cut-ony");
        assertUsageError(mesh.run("audit", "show"), "REQUEST_ID");
        assertUsageError(mesh.run("audit", "show", "a", "b"), "b");
        assertUsageError(mesh.run("audit", "verify"), "--tenant");
        assertUsageError(mesh.run("audit", "list", "--timeout", "0s"), "must be above zero");
        assertThat(listed).as("nothing was sent").isEmpty();
        assertThat(mesh.calls).isEmpty();
    }

    static void assertUsageError(FakeMesh.Result result, String problem) {
        assertThat(result.status()).as(result.err()).isEqualTo(2);
        assertThat(result.err()).contains(problem).contains("Usage: mesh");
        assertThat(result.out()).isEmpty();
    }
}
