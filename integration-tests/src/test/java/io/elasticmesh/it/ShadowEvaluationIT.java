package io.elasticmesh.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.local.LocalMesh;
import io.elasticmesh.local.quarkus.HttpGet;
import io.elasticmesh.proto.reasoning.v1.BudgetRouterGrpc;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Shadow evaluation through the whole mesh, on a router of its own: a tier that thinks 8 tokens re-runs every cut
 * answer with 32. The scripted model's {@code solve=K key=V} answers {@code \boxed{V}} only after K thinking tokens,
 * so a question decides whether the larger budget changes the answer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShadowEvaluationIT {

    private static final String SHADOW_TIER = """
              it-shadow:
                model: scripted
                thinking-budget-tokens: 8
                thinking-budget-ceiling-tokens: 32
                solution-budget-tokens: 16
                deadline-ms: 30000
                shadow: {fraction: 1, thinking-budget-tokens: 32}
                price: {currency: EUR, prompt-per-million: 1, generated-per-million: 2}
            """;

    private static final String WORK = "shadow-evaluation";

    private LocalMesh mesh;
    private Path routerLog;
    private ManagedChannel channel;
    private BudgetRouterGrpc.BudgetRouterBlockingStub router;

    @BeforeAll
    void startMesh() throws IOException {
        mesh = SharedMesh.scriptedWithTiers(WORK, SHADOW_TIER);
        routerLog = mesh.logFile("budget-router");
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", mesh.routerPort())
                .usePlaintext()
                .build();
        router = BudgetRouterGrpc.newBlockingStub(channel);
    }

    @AfterAll
    void stopMesh() {
        channel.shutdownNow();
        mesh.close();
    }

    @Test
    void cutAnswersAreAskedAgainWithTheLargerBudgetAndTheMetricsAddUpTheRecordedPairs() throws Exception {
        // Closed by the model within t: not shadowed.
        ReasonResponse closed = reason("think=6 answer=2 solve=4 key=7");
        assertThat(closed.getThinkingTruncated()).isFalse();
        // Cut at 8: the answer is wrong, and right with 32 (the model closes at 20).
        ReasonResponse changed = reason("think=20 answer=2 solve=16 key=7");
        assertThat(changed.getThinkingTruncated()).isTrue();
        assertThat(changed.getSolutionText()).endsWith("\\boxed{8} ");
        String changedPair = awaitPair(changed.getRequestId());
        // Cut at 8 but right already: the larger budget changes nothing.
        ReasonResponse same = reason("think=20 answer=2 solve=4 key=7");
        String samePair = awaitPair(same.getRequestId());

        assertThat(changedPair).contains(" agree=false ", " thinking_tokens=8 ", " currency=EUR");
        assertThat(samePair).contains(" agree=true ", " thinking_tokens=8 ");
        for (String pair : List.of(changedPair, samePair)) {
            assertThat(field(pair, "shadow_thinking_tokens"))
                    .isGreaterThanOrEqualTo(20)
                    .isLessThanOrEqualTo(32);
        }
        assertThat(Files.readString(routerLog)).doesNotContain("request_id=" + closed.getRequestId());
        String metrics =
                HttpGet.get(mesh.managementPort("budget-router"), "/q/metrics").body();
        assertThat(metric(metrics, "elastic_shadow_evaluations_total", "outcome=\"agree\""))
                .isEqualTo(1);
        assertThat(metric(metrics, "elastic_shadow_evaluations_total", "outcome=\"disagree\""))
                .isEqualTo(1);
        assertThat(metric(metrics, "elastic_shadow_generated_tokens_total", "run=\"shadow\""))
                .isEqualTo(field(changedPair, "shadow_generated_tokens") + field(samePair, "shadow_generated_tokens"));
        assertThat(metric(metrics, "elastic_shadow_generated_tokens_total", "run=\"answer\""))
                .isEqualTo(field(changedPair, "generated_tokens") + field(samePair, "generated_tokens"));
    }

    private ReasonResponse reason(String directive) {
        return router.withDeadlineAfter(1, TimeUnit.MINUTES)
                .reason(SharedMesh.scripted(directive).setTier("it-shadow").build());
    }

    /** The router's record of the request's shadow evaluation, once the shadow has answered. */
    private String awaitPair(String requestId) throws Exception {
        Pattern line = Pattern.compile("shadow request_id=" + Pattern.quote(requestId) + " .*");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            Matcher found = line.matcher(Files.readString(routerLog));
            if (found.find()) {
                return found.group();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the router never recorded a shadow of request " + requestId);
            }
            Thread.sleep(250);
        }
    }

    private static long field(String pair, String name) {
        Matcher m = Pattern.compile(" " + name + "=(\\d+)").matcher(pair);
        assertThat(m.find()).as("%s in %s", name, pair).isTrue();
        return Long.parseLong(m.group(1));
    }

    /** The value of the it-shadow tier's series of {@code name} with {@code label}, from a Prometheus scrape. */
    private static long metric(String scrape, String name, String label) {
        return scrape.lines()
                .filter(l -> l.startsWith(name + "{") && l.contains(label) && l.contains("tier=\"it-shadow\""))
                // The value follows the labels; an exemplar (" # {…} value time") may follow it.
                .mapToLong(l -> (long)
                        Double.parseDouble(l.substring(l.indexOf("} ") + 2).split(" ")[0]))
                .sum();
    }
}
