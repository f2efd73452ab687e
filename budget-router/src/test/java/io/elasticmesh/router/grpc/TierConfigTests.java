package io.elasticmesh.router.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.local.quarkus.GrpcCalls;
import io.elasticmesh.proto.reasoning.v1.BudgetRouter;
import io.elasticmesh.proto.reasoning.v1.ChatMessage;
import io.elasticmesh.proto.reasoning.v1.GetConfigStatusRequest;
import io.elasticmesh.proto.reasoning.v1.GetConfigStatusResponse;
import io.elasticmesh.proto.reasoning.v1.ListTenantsRequest;
import io.elasticmesh.proto.reasoning.v1.ListTiersRequest;
import io.elasticmesh.proto.reasoning.v1.ReasonRequest;
import io.elasticmesh.proto.reasoning.v1.RouterAdmin;
import io.elasticmesh.proto.reasoning.v1.TenantInfo;
import io.elasticmesh.proto.reasoning.v1.TierInfo;
import io.grpc.Status;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The router on its own tier file (downstream services absent): tenants and their tiers, the admin RPCs, hot
 * reload of valid and invalid edits (also under load) and the tier metrics.
 */
@QuarkusTest
@TestProfile(TierConfigTests.OwnTierFile.class)
class TierConfigTests {

    static final Path FILE = tempFile();

    static final String TIERS = """
            max-concurrent-requests: 4
            tiers:
              gold:
                model: scripted
                thinking-budget-tokens: 32
                thinking-budget-ceiling-tokens: 64
                solution-budget-tokens: 16
                deadline-ms: 20000
                priority: 10
              silver:
                model: scripted
                thinking-budget-tokens: 8
                solution-budget-tokens: 8
                deadline-ms: 20000
            tenants:
              acme:
                allowed-tiers: [gold]
                default-tier: gold
                tokens-per-minute: 5000
            """;

    public static class OwnTierFile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            write(TIERS);
            return Map.of("router.tiers-file", FILE.toString(), "router.tiers-reload-interval", "1s");
        }
    }

    @GrpcClient("router")
    BudgetRouter router;

    @GrpcClient("router")
    RouterAdmin admin;

    private static Path tempFile() {
        try {
            return Files.createTempDirectory("tiers").resolve("tiers.yaml");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replaces the file at once, as Kubernetes does when a mounted ConfigMap changes. */
    static void write(String content) {
        try {
            Path next = FILE.resolveSibling("tiers.yaml.next");
            Files.writeString(next, content);
            Files.move(next, FILE, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterEach
    void restoreTheFile() {
        write(TIERS);
        awaitTrue(() -> status().getLastError().isEmpty() && ceilingOfGold() == 64);
    }

    private static ReasonRequest.Builder acme() {
        return ReasonRequest.newBuilder()
                .setTenant("acme")
                .addMessages(ChatMessage.newBuilder()
                        .setRole(ChatMessage.Role.ROLE_USER)
                        .setContent("hi"));
    }

    private Status failure(ReasonRequest request) {
        return GrpcCalls.failureOf(router.reason(request));
    }

    private GetConfigStatusResponse status() {
        return admin.getConfigStatus(GetConfigStatusRequest.getDefaultInstance())
                .await()
                .atMost(Duration.ofSeconds(5));
    }

    private int ceilingOfGold() {
        return admin
                .listTiers(ListTiersRequest.getDefaultInstance())
                .await()
                .atMost(Duration.ofSeconds(5))
                .getTiersList()
                .stream()
                .filter(t -> t.getName().equals("gold"))
                .findFirst()
                .orElseThrow()
                .getThinkingBudgetCeilingTokens();
    }

    private static void awaitTrue(BooleanSupplier condition) {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within 10 s");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static String metrics() throws Exception {
        // HTTP/1.1, not the client's default h2c upgrade: that once failed on the large reply with a protocol error.
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .build()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:8191/q/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    @Test
    void adminRpcsListTheTiersAndTenantsInForce() {
        List<TierInfo> tiers = admin.listTiers(ListTiersRequest.getDefaultInstance())
                .await()
                .atMost(Duration.ofSeconds(5))
                .getTiersList();
        List<TenantInfo> tenants = admin.listTenants(ListTenantsRequest.getDefaultInstance())
                .await()
                .atMost(Duration.ofSeconds(5))
                .getTenantsList();

        assertThat(tiers).extracting(TierInfo::getName).containsExactly("gold", "silver");
        assertThat(tiers.get(0))
                .isEqualTo(TierInfo.newBuilder()
                        .setName("gold")
                        .setModel("scripted")
                        .setThinkingBudgetTokens(32)
                        .setThinkingBudgetCeilingTokens(64)
                        .setSolutionBudgetTokens(16)
                        .setDeadlineMs(20000)
                        .setPriority(10)
                        .setMaxConcurrentRequests(8)
                        .setQueueLimit(16)
                        .build());
        assertThat(tenants).hasSize(1);
        assertThat(tenants.get(0).getName()).isEqualTo("acme");
        assertThat(tenants.get(0).getAllowedTiersList()).containsExactly("gold");
        assertThat(tenants.get(0).getTokensPerMinute()).isEqualTo(5000);
        assertThat(tenants.get(0).getRemainingTokens()).isEqualTo(5000);
        assertThat(status().getConfigVersion()).startsWith("sha256:");
        assertThat(status().getTiersFile()).isEqualTo(FILE.toString());
    }

    @Test
    void aTierTheTenantMayNotUseIsPermissionDenied() {
        Status e = failure(acme().setTier("silver").build());

        assertThat(e.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(e.getDescription()).isEqualTo("tenant 'acme' may not use tier 'silver'; its tiers: [gold]");
    }

    @Test
    void noTierMeansTheTenantsDefaultTier() throws Exception {
        // Past admission the request reaches the (absent) decoder; the metrics name the tier it was given.
        assertThat(failure(acme().build()).getCode()).isEqualTo(Status.Code.UNAVAILABLE);

        assertThat(metrics()).contains("elastic_requests_total{status=\"UNAVAILABLE\",tier=\"gold\"}");
    }

    @Test
    void refusalsAreCountedPerTierAndReason() throws Exception {
        failure(acme().setThinkingBudgetTokens(65).build());
        failure(acme().setTier("silver").build());
        failure(acme().setTier("platinum").build());

        String metrics = metrics();
        assertThat(metrics)
                .contains("elastic_refusals_total{reason=\"budget_above_ceiling\",tier=\"gold\"}")
                .contains("elastic_refusals_total{reason=\"tier_not_allowed\",tier=\"silver\"}")
                .contains("elastic_refusals_total{reason=\"not_found\",tier=\"unknown\"}")
                .contains("elastic_requests_total{status=\"OUT_OF_RANGE\",tier=\"gold\"}")
                .contains("elastic_request_duration_seconds_count{tier=\"gold\"}")
                .contains("elastic_config_reload_failures_total");
    }

    @Test
    void aValidEditTakesEffectWithoutARestart() {
        String before = status().getConfigVersion();

        write(TIERS.replace("thinking-budget-ceiling-tokens: 64", "thinking-budget-ceiling-tokens: 40"));
        awaitTrue(() -> !status().getConfigVersion().equals(before));

        Status e = failure(acme().setThinkingBudgetTokens(50).build());
        assertThat(e.getCode()).isEqualTo(Status.Code.OUT_OF_RANGE);
        assertThat(e.getDescription()).contains("must be at most 40");
    }

    @Test
    void anInvalidEditIsReportedAndTheLastGoodVersionStaysInForce() throws Exception {
        String before = status().getConfigVersion();

        write(TIERS.replace("default-tier: gold", "default-tier: silver"));
        awaitTrue(() -> !status().getLastError().isEmpty());

        GetConfigStatusResponse status = status();
        assertThat(status.getConfigVersion()).isEqualTo(before);
        assertThat(status.getLastError())
                .isEqualTo(FILE + ": tenant 'acme': default-tier 'silver' is not one of its " + "allowed-tiers [gold]");
        assertThat(status.hasLastErrorAt()).isTrue();
        assertThat(status.getReloadFailures()).isPositive();
        assertThat(metrics()).containsPattern("elastic_config_reload_failures_total [1-9]");
        // Still the old configuration: gold is the default and its ceiling is 64.
        assertThat(failure(acme().setThinkingBudgetTokens(64).build()).getCode())
                .isEqualTo(Status.Code.UNAVAILABLE);
    }

    @Test
    void editsUnderLoadNeverFailARequestForAnyOtherReason() throws Exception {
        Set<Status.Code> seen = ConcurrentHashMap.newKeySet();
        AtomicLong answered = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Thread client = new Thread(() -> {
                while (running.get()) {
                    seen.add(failure(acme().setThinkingBudgetTokens(50).build()).getCode());
                    answered.incrementAndGet();
                }
            });
            client.start();
            clients.add(client);
        }
        for (int edit = 0; edit < 12; edit++) {
            // The ceiling moves across the requested 50; every third edit is invalid. Each edit is awaited in force
            // (the reloader looks once a second) and then meets new requests, so every configuration is under load.
            if (edit % 3 == 2) {
                write(TIERS.replace("deadline-ms: 20000", "deadline-ms: soon"));
                awaitTrue(() -> !status().getLastError().isEmpty());
            } else {
                int ceiling = edit % 2 == 0 ? 40 : 60;
                write(TIERS.replace(
                        "thinking-budget-ceiling-tokens: 64", "thinking-budget-ceiling-tokens: " + ceiling));
                awaitTrue(() -> status().getLastError().isEmpty() && ceilingOfGold() == ceiling);
            }
            // Past the (at most one per client) requests in flight when it came into force.
            long before = answered.get();
            awaitTrue(() -> answered.get() >= before + 2L * clients.size());
        }
        running.set(false);
        for (Thread client : clients) {
            client.join(Duration.ofSeconds(30).toMillis());
        }

        // Every request met one whole configuration: refused by a 40 ceiling, or passed by 60 or 64.
        assertThat(seen).containsExactlyInAnyOrder(Status.Code.OUT_OF_RANGE, Status.Code.UNAVAILABLE);
    }
}
