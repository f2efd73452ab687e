package io.elasticmesh.cli;

import static io.elasticmesh.cli.AuditCommandTests.assertUsageError;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.elasticmesh.proto.audit.v1.AuditEvent;
import io.elasticmesh.proto.audit.v1.AuditServiceGrpc;
import io.elasticmesh.proto.audit.v1.GetAuditEventRequest;
import io.elasticmesh.proto.audit.v1.GetAuditEventResponse;
import io.elasticmesh.proto.reasoning.v1.AppliedBudget;
import io.elasticmesh.proto.reasoning.v1.BudgetRouterGrpc;
import io.elasticmesh.proto.reasoning.v1.FinishReason;
import io.elasticmesh.proto.reasoning.v1.GetConfigStatusRequest;
import io.elasticmesh.proto.reasoning.v1.GetConfigStatusResponse;
import io.elasticmesh.proto.reasoning.v1.ListTiersRequest;
import io.elasticmesh.proto.reasoning.v1.ListTiersResponse;
import io.elasticmesh.proto.reasoning.v1.PhaseTimings;
import io.elasticmesh.proto.reasoning.v1.ReasonRequest;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import io.elasticmesh.proto.reasoning.v1.RouterAdminGrpc;
import io.elasticmesh.proto.reasoning.v1.TierInfo;
import io.elasticmesh.proto.reasoning.v1.TokenUsage;
import io.elasticmesh.proto.reasoning.v1.TruncationReason;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line as a whole: tiers, demo, help, usage errors, where the defaults come from. */
class MeshCliTests {

    private final List<ReasonRequest> reasoned = new CopyOnWriteArrayList<>();
    private final AtomicInteger auditLookups = new AtomicInteger();
    private GetConfigStatusResponse configStatus;
    private final FakeMesh mesh;

    MeshCliTests() throws Exception {
        mesh = new FakeMesh(
                new RouterAdminGrpc.RouterAdminImplBase() {
                    @Override
                    public void listTiers(ListTiersRequest request, StreamObserver<ListTiersResponse> reply) {
                        reply.onNext(ListTiersResponse.newBuilder()
                                .setConfigVersion("sha256:3f1c00000000")
                                .addTiers(TierInfo.newBuilder()
                                        .setName("standard")
                                        .setModel("smollm2-135m")
                                        .setThinkingBudgetTokens(256)
                                        .setThinkingBudgetCeilingTokens(512)
                                        .setSolutionBudgetTokens(128)
                                        .setDeadlineMs(120_000)
                                        .setPriority(10)
                                        .setMaxConcurrentRequests(6)
                                        .setQueueLimit(16)
                                        .setInFlightRequests(2)
                                        .setQueuedRequests(1))
                                .build());
                        reply.onCompleted();
                    }

                    @Override
                    public void getConfigStatus(
                            GetConfigStatusRequest request, StreamObserver<GetConfigStatusResponse> reply) {
                        reply.onNext(configStatus);
                        reply.onCompleted();
                    }
                },
                new BudgetRouterGrpc.BudgetRouterImplBase() {
                    @Override
                    public void reason(ReasonRequest request, StreamObserver<ReasonResponse> reply) {
                        reasoned.add(request);
                        boolean cut = request.hasThinkingBudgetTokens();
                        reply.onNext(ReasonResponse.newBuilder()
                                .setRequestId("r-" + reasoned.size())
                                .setThinkingText(cut ? " The capital of " : "The capital of France is Paris. ")
                                .setSolutionText("Paris.")
                                .setThinkingTruncated(cut)
                                .setSolutionFinishReason(FinishReason.FINISH_REASON_STOP)
                                .setTruncationReason(
                                        cut
                                                ? TruncationReason.TRUNCATION_REASON_TOKEN_BUDGET
                                                : TruncationReason.TRUNCATION_REASON_UNSPECIFIED)
                                .setUsage(TokenUsage.newBuilder()
                                        .setPromptTokens(41)
                                        .setThinkingTokens(cut ? 4 : 9)
                                        .setForcedDelimiters(1)
                                        .setSolutionTokens(3))
                                .setBudget(AppliedBudget.newBuilder()
                                        .setTier(request.getTier())
                                        .setModel("smollm2-135m")
                                        .setThinkingBudgetTokens(cut ? 4 : 256)
                                        .setSolutionBudgetTokens(128))
                                .setTimings(PhaseTimings.newBuilder()
                                        .setThinkingMs(10)
                                        .setSolutionMs(20)
                                        .setTotalMs(30))
                                .build());
                        reply.onCompleted();
                    }
                },
                new AuditServiceGrpc.AuditServiceImplBase() {
                    @Override
                    public void getAuditEvent(
                            GetAuditEventRequest request, StreamObserver<GetAuditEventResponse> reply) {
                        // Not there at the first look: the event is still on its way through Kafka.
                        if (auditLookups.incrementAndGet() == 1) {
                            reply.onError(Status.NOT_FOUND.asRuntimeException());
                            return;
                        }
                        ReasonRequest asked = reasoned.get(1);
                        reply.onNext(GetAuditEventResponse.newBuilder()
                                .setEvent(AuditEvent.newBuilder()
                                        .setEventId("e-2")
                                        .setTenant(asked.getTenant())
                                        .setRequest(asked)
                                        .setOccurredAt(Timestamp.getDefaultInstance())
                                        .setResponse(ReasonResponse.newBuilder()
                                                .setRequestId(request.getRequestId())
                                                .setUsage(
                                                        TokenUsage.newBuilder().setThinkingTokens(4))
                                                .setBudget(AppliedBudget.newBuilder()
                                                        .setThinkingBudgetTokens(4))))
                                .build());
                        reply.onCompleted();
                    }
                });
    }

    @AfterEach
    void stop() throws InterruptedException {
        mesh.close();
    }

    @Test
    void tiersListsEachTierWithWhatRunsAndWaitsOnIt() {
        FakeMesh.Result result = mesh.run("tiers");

        assertThat(result.status()).as(result.err()).isZero();
        assertThat(result.out()).isEqualTo("""
                configuration sha256:3f1c00000000
                tier          model           thinking   ceiling  solution    deadline  priority  in flight  \
                   queued  rollover
                standard      smollm2-135m         256       512       128   120000 ms        10     2/6     \
                   1/16    no
                """);
        assertThat(mesh.onlyCall().deadline()).isNotNull();
    }

    @Test
    void tiersStatusSaysWhetherTheNewestEditIsInForce() {
        configStatus = GetConfigStatusResponse.newBuilder()
                .setTiersFile("/etc/tiers.yaml")
                .setConfigVersion("sha256:3f1c00000000")
                .setLoadedAt(Timestamp.newBuilder().setSeconds(1_800_000_000L))
                .build();
        FakeMesh.Result good = mesh.run("tiers", "status", "--api-key", "admin-key");
        assertThat(good.status()).isZero();
        assertThat(good.out()).isEqualTo("""
                tiers file       /etc/tiers.yaml
                in force         sha256:3f1c00000000, loaded 2027-01-15T08:00:00Z
                newest edit      in force
                refused edits    0 since the router started
                """);
        assertThat(mesh.onlyCall().apiKey()).isEqualTo("admin-key");

        configStatus = configStatus.toBuilder()
                .setLastError("tier 'economy': deadline-ms: must be at least 1")
                .setLastErrorAt(Timestamp.newBuilder().setSeconds(1_800_000_060L))
                .setReloadFailures(1)
                .build();
        FakeMesh.Result refused = mesh.run("tiers", "status");
        assertThat(refused.status()).isEqualTo(1);
        assertThat(refused.out())
                .contains("newest edit      refused 2027-01-15T08:01:00Z: tier 'economy': "
                        + "deadline-ms: must be at least 1\n")
                .contains("refused edits    1 since");
    }

    @Test
    void demoAsksTwiceCutsTheSecondAndReadsItsAuditEventBackOnceItArrives() {
        FakeMesh.Result result = mesh.run("demo", "--tier", "standard");

        assertThat(result.status()).as(result.err()).isZero();
        assertThat(result.out()).isEqualTo("""
                question  What is the capital of France?

                request   r-1 (tier standard, model smollm2-135m, t=256, s=128)
                thinking  The capital of France is Paris.
                solution  Paris.
                usage     prompt=41 thinking=9 forced_delimiters=1 solution=3 tokens
                outcome   thinking_truncated=false solution_finish=FINISH_REASON_STOP
                timings   thinking=10 ms solution=20 ms total=30 ms

                request   r-2 (tier standard, model smollm2-135m, t=4, s=128)
                thinking  The capital of
                solution  Paris.
                usage     prompt=41 thinking=4 forced_delimiters=1 solution=3 tokens
                outcome   thinking_truncated=true solution_finish=FINISH_REASON_STOP
                timings   thinking=10 ms solution=20 ms total=30 ms

                audit     event e-2 via Kafka: tenant=demo tier=standard thinking cut at 4 of 4 tokens
                """);
        assertThat(reasoned).extracting(ReasonRequest::getTenant).containsOnly("demo");
        assertThat(reasoned.get(1).getThinkingBudgetTokens()).isEqualTo(4);
        assertThat(auditLookups).hasValue(2);
    }

    @Test
    void theRouterIsTheOptionsElseTheEnvironmentsElseTheLocalMeshs(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve(".mesh"));
        Files.writeString(
                root.resolve(".mesh/ready"),
                "budget-router     gRPC %s   HTTP 127.0.0.1:8100   management 127.0.0.1:8190%n".formatted(mesh.target));
        mesh.env.put("MESH_ROOT", root.toString());
        mesh.env.put("MESH_ROUTER", "nowhere");
        FakeMesh.Result wrongEnvironment = mesh.run("tiers");
        assertThat(wrongEnvironment.status()).isEqualTo(1);
        assertThat(wrongEnvironment.err()).startsWith("mesh tiers: UNAVAILABLE");

        assertThat(mesh.run("tiers", "--router", mesh.target).status())
                .as("the option wins")
                .isZero();
        mesh.env.remove("MESH_ROUTER");
        assertThat(mesh.run("tiers").status()).as(".mesh/ready").isZero();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "reason",
                "continue",
                "tiers",
                "tiers status",
                "audit",
                "audit list",
                "audit show",
                "audit verify",
                "demo"
            })
    void everyCommandExplainsItselfWithHelp(String command) {
        List<String> line = new java.util.ArrayList<>(command.isEmpty() ? List.of() : List.of(command.split(" ")));
        line.add("--help");

        FakeMesh.Result result = mesh.run(line.toArray(String[]::new));

        assertThat(result.status()).isZero();
        assertThat(result.out())
                .startsWith("Usage: mesh" + (command.isEmpty() ? "" : " " + command))
                .contains("--help");
        assertThat(mesh.calls).isEmpty();
    }

    @Test
    void badCommandLinesAreUsageErrorsAndSendNothing() {
        assertUsageError(mesh.run(), "name a command: reason, continue, tiers, audit, demo or pilot");
        assertUsageError(mesh.run("ask", "q"), "ask");
        assertUsageError(mesh.run("reason"), "QUESTION");
        assertUsageError(
                mesh.run("reason", "q", "--thinking-budget", "0"),
                "--thinking-budget takes a whole number of at least 1, was 0");
        assertUsageError(
                mesh.run("reason", "q", "--solution-budget", "-3"),
                "--solution-budget takes a whole number of at least 1, was -3");
        assertUsageError(mesh.run("reason", "q", "--thinking-budget", "many"), "'many' is not an int");
        assertUsageError(mesh.run("reason", "q", "--timeout", "soon"), "a duration is 500ms, 30s, 5m, 1h, 7d");
        assertUsageError(mesh.run("continue", "r-1"), "--extra");
        assertUsageError(mesh.run("continue", "r-1", "--extra", "0"), "--extra takes a whole number of at least 1");
        assertUsageError(mesh.run("tiers", "show"), "show");
        assertThat(mesh.calls).isEmpty();
    }
}
