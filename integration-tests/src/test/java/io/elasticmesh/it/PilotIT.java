package io.elasticmesh.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.elasticmesh.cli.ApiKeys;
import io.elasticmesh.cli.AuditEvents;
import io.elasticmesh.cli.Context;
import io.elasticmesh.cli.MeshCli;
import io.elasticmesh.local.LocalMesh;
import io.elasticmesh.proto.audit.v1.AuditServiceGrpc;
import io.elasticmesh.proto.audit.v1.ListAuditEventsRequest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./mesh pilot} through the whole mesh with the scripted model, whose {@code solve=K key=V} directive answers
 * {@code \boxed{V}} only when the thinking ran at least K tokens: every number of the report is computed by hand.
 */
class PilotIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Tier scripted (t ceiling 64), s = 8, t in {4, 8} and the baseline (64). Each answer is "answer1 \boxed{…} "
     * and EOS: 3 solution tokens. Thinking closed by the model at N counts N + 1 tokens (its delimiter); cut at t,
     * it counts t.
     * <pre>
     * item  directive            t=4: thought/tokens/answer   t=8                 baseline (64)
     * a     think=2  solve=2  1  2 / 3 / 1 right             2 / 3 / 1 right     2 / 3 / 1 right
     * b     think=6  solve=6  2  4 / 4 / 3 (cut)             6 / 7 / 2 right     6 / 7 / 2 right
     * c     think=12 solve=12 3  4 / 4 / 4 (cut)             8 / 8 / 4 (cut)     12 / 13 / 3 right
     * d     think=12 solve=20 4  4 / 4 / 5 (cut)             8 / 8 / 5 (cut)     12 / 13 / 5
     * </pre>
     */
    private static final String ITEMS = """
            {"id": "a", "problem": "[[script think=2 answer=1 solve=2 key=1]]", "answer": "1"}
            {"id": "b", "problem": "[[script think=6 answer=1 solve=6 key=2]]", "answer": "2"}
            {"id": "c", "problem": "[[script think=12 answer=1 solve=12 key=3]]", "answer": "3"}
            {"id": "d", "problem": "[[script think=12 answer=1 solve=20 key=4]]", "answer": "4"}
            """;

    private static final String PLAN = """
            name: scripted-pilot
            tiers: [scripted]
            datasets:
              - {name: s, file: items.jsonl, grading: math}
            grid: {thinking: [4, 8], solution: [8]}
            baseline: {thinking: 64, solution: 8}
            concurrency: 2
            margin: 0.25
            prices:
              scripted: {currency: USD, prompt-per-million: 0, generated-per-million: 1000}
            """;

    private record Run(int status, String out, String err) {}

    private static Run pilot(String... args) {
        LocalMesh mesh = SharedMesh.mesh();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("MESH_ROUTER", "127.0.0.1:" + mesh.routerPort());
        env.put("MESH_ROOT", System.getProperty("mesh.root"));
        int status = MeshCli.execute(
                new Context(new PrintWriter(out, true), new PrintWriter(err, true), env, Context::plaintext), args);
        return new Run(status, out.toString(), err.toString());
    }

    @Test
    void theReportsNumbersAreTheHandComputedOnes(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("items.jsonl"), ITEMS);
        Files.writeString(dir.resolve("plan.yaml"), PLAN);
        Path out = dir.resolve("out");
        String tenant = "pilot-" + UUID.randomUUID();

        Run run = pilot("pilot", dir.resolve("plan.yaml").toString(), "--out", out.toString(), "--tenant", tenant);

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(Files.readAllLines(out.resolve("results.jsonl"))).hasSize(12);
        JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
        Map<String, JsonNode> points = new HashMap<>();
        report.get("points").forEach(p -> points.put(p.get("point").asText(), p));
        assertThat(points.keySet()).containsExactlyInAnyOrder("t=4,s=8", "t=8,s=8", "baseline");

        JsonNode t4 = points.get("t=4,s=8");
        JsonNode t8 = points.get("t=8,s=8");
        JsonNode base = points.get("baseline");
        assertThat(List.of(t4, t8, base))
                .extracting(p -> p.get("correct").asInt())
                .containsExactly(1, 2, 3);
        assertThat(base.get("thinkingBudget").asInt()).isEqualTo(64);
        // Wilson 95%, n = 4: (p + z²/8 ∓ z·sqrt(p(1-p)/4 + z²/64)) / (1 + z²/4), z = 1.959964
        assertInterval(t4, 0.0455873, 0.6993582);
        assertInterval(t8, 0.1500390, 0.8499610);
        assertInterval(base, 0.3006418, 0.9544127);
        // (3+4+4+4 thinking + 4·3 solution) / 4, (3+7+8+8 + 12) / 4, (3+7+13+13 + 12) / 4
        assertThat(t4.get("meanGeneratedTokens").asDouble()).isEqualTo(6.75);
        assertThat(t8.get("meanGeneratedTokens").asDouble()).isEqualTo(9.5);
        assertThat(base.get("meanGeneratedTokens").asDouble()).isEqualTo(12.0);
        assertThat(List.of(t4, t8, base))
                .extracting(p -> p.get("truncationRate").asDouble())
                .containsExactly(0.75, 0.5, 0.0);
        assertThat(List.of(t4, t8, base))
                .extracting(p -> p.get("budgetLimitedShare").asDouble())
                .containsExactly(0.0, 0.0, 0.0);
        // $1,000 per million generated tokens: a thousand answers cost their mean generated tokens in dollars
        assertThat(t4.get("costPer1000").asDouble()).isCloseTo(6.75, within(1e-9));
        assertThat(t4.get("costSavedPer1000").asDouble()).isCloseTo(5.25, within(1e-9));
        assertThat(t8.get("tokensSaved").asDouble()).isEqualTo(2.5);
        // the baseline answered 1, 2, 3, 5: t=4 agrees on a and d, t=8 on a, b and d
        assertThat(t4.get("agreement").asDouble()).isEqualTo(0.5);
        assertThat(t8.get("agreement").asDouble()).isEqualTo(0.75);
        assertThat(List.of(t4, t8, base))
                .extracting(p -> p.get("deadlineAttainment").asDouble())
                .containsExactly(1.0, 1.0, 1.0);

        // best: the baseline at 75%; within 25 points of it, t=8 (50%) is the cheapest; the intervals all overlap
        JsonNode recommendation = report.get("recommendations").get(0);
        assertThat(recommendation.get("point").asText()).isEqualTo("t=8,s=8");
        assertThat(recommendation.get("best").asText()).isEqualTo("baseline");
        assertThat(recommendation.get("warning").asText())
                .isEqualTo("the data cannot separate t=8,s=8 from t=4,s=8, baseline: their 95% intervals overlap; "
                        + "more items or samples would");

        String html = Files.readString(out.resolve("report.html"));
        assertThat(html)
                .contains("<svg class=\"chart\"")
                .contains("50.0% (15.0%–85.0%)")
                .doesNotContain("http://cdn");
        assertThat(run.out()).contains("| scripted | t=8,s=8 | 8/8 | 4 | 50.0% (15.0%–85.0%) | 9.5 |");

        // the same command again sends nothing and writes the same report
        Run again = pilot("pilot", dir.resolve("plan.yaml").toString(), "--out", out.toString(), "--tenant", tenant);
        assertThat(again.status()).as(again.err()).isZero();
        assertThat(again.err()).contains("pilot: 0 answers now, 12 from earlier runs, 12 of 12");
        assertThat(JSON.readTree(out.resolve("report.json").toFile())).isEqualTo(report);
    }

    /**
     * A pilot process killed with SIGKILL halfway, then the same command again: every task is answered once in the
     * results file, the report equals an uninterrupted run's (latency aside), and the audit trail shows no answered
     * task asked again; only the calls in flight at the kill (at most the plan's concurrency) were sent twice.
     */
    @Test
    void aRunKilledHalfwayContinuesWhereItStoppedAndGivesTheSameReport(@TempDir Path dir) throws Exception {
        writeCutItems(dir);
        Path out = dir.resolve("killed");
        String tenant = "pilot-kill-" + UUID.randomUUID();

        Process process = startHalfway(dir, out, tenant);
        process.destroyForcibly().waitFor(); // SIGKILL
        Path results = out.resolve("results.jsonl");
        int before = Files.readAllLines(results).size();
        assertThat(before).isBetween(6, 17);

        List<JsonNode> lines = resume(dir, out, tenant, before);

        Path whole = dir.resolve("whole");
        Run uninterrupted = pilot(
                "pilot", dir.resolve("plan.yaml").toString(), "--out", whole.toString(), "--tenant", tenant + "-b");
        assertThat(uninterrupted.status()).as(uninterrupted.err()).isZero();
        assertThat(withoutLatency(out)).isEqualTo(withoutLatency(whole));

        // Every answer in the file was audited once; what else the tenant sent were the calls cut by the kill.
        List<String> answered =
                lines.stream().map(l -> l.get("requestId").asText()).toList();
        List<String> audited = audited(tenant, answered);
        assertThat(audited).containsAll(answered);
        assertThat(audited.size() - answered.size()).isBetween(0, 2); // concurrency 2
    }

    /**
     * Ctrl-C halfway (SIGINT, as a terminal sends it): the calls in flight finish and their answers are kept as whole
     * lines, the process says how to resume and exits 130 (128 + SIGINT, as for any program Ctrl-C ends); the resumed
     * run sends only what is missing, and the audit trail shows no call lost or sent twice.
     */
    @Test
    void ctrlCLetsTheCallsInFlightFinishKeepsTheirAnswersAndSaysHowToResume(@TempDir Path dir) throws Exception {
        writeCutItems(dir);
        Path out = dir.resolve("interrupted");
        String tenant = "pilot-int-" + UUID.randomUUID();

        Process process = startHalfway(dir, out, tenant);
        new ProcessBuilder("kill", "-INT", Long.toString(process.pid()))
                .inheritIO()
                .start()
                .waitFor();
        int status = process.waitFor();

        String log = Files.readString(dir.resolve("child.log"));
        assertThat(status).as(log).isEqualTo(130);
        Path results = out.resolve("results.jsonl");
        assertThat(Files.readString(results)).endsWith("\n");
        List<String> written = Files.readAllLines(results);
        int before = written.size();
        assertThat(before).isBetween(6, 17);
        for (String line : written) {
            assertThat(JSON.readTree(line).get("status").asText()).isEqualTo("OK");
        }
        Path plan = dir.resolve("plan.yaml");
        assertThat(log)
                .contains("pilot: " + before + " answers now, 0 from earlier runs, " + before + " of 18")
                .contains("pilot: stopped before the end; resume with: ./mesh pilot " + plan + " --out " + out);

        List<String> answered = resume(dir, out, tenant, before).stream()
                .map(l -> l.get("requestId").asText())
                .toList();
        // every call the tenant sent is in the results file once: none in flight at the Ctrl-C was dropped
        assertThat(audited(tenant, answered)).containsExactlyInAnyOrderElementsOf(answered);
    }

    /**
     * Six items whose thinking always runs to t and is cut (close=no), so the scripted tier, which audits cut
     * requests, audits every call; with PLAN, 18 calls.
     */
    private static void writeCutItems(Path dir) throws java.io.IOException {
        StringBuilder items = new StringBuilder();
        for (int i = 1; i <= 6; i++) {
            items.append("{\"id\": \"q%d\", \"problem\": \"[[script close=no answer=1 solve=%d key=%d delay_ms=20]]\", "
                            .formatted(i, i + 3, i))
                    .append("\"answer\": \"%d\"}\n".formatted(i));
        }
        Files.writeString(dir.resolve("items.jsonl"), items);
        Files.writeString(dir.resolve("plan.yaml"), PLAN);
    }

    /**
     * The pilot as a process of its own (output in child.log), returned still running once it has written six
     * answers. SIGINT is reset to its default for it: a JVM started with SIGINT ignored (a background job's
     * inheritance) would never see a Ctrl-C.
     */
    private static Process startHalfway(Path dir, Path out, String tenant) throws Exception {
        LocalMesh mesh = SharedMesh.mesh();
        ProcessBuilder child = new ProcessBuilder(
                        "env",
                        "--default-signal=INT",
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
                        "-cp",
                        System.getProperty("java.class.path"),
                        MeshCli.class.getName(),
                        "pilot",
                        dir.resolve("plan.yaml").toString(),
                        "--out",
                        out.toString(),
                        "--tenant",
                        tenant)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.log").toFile());
        child.environment().put("MESH_ROUTER", "127.0.0.1:" + mesh.routerPort());
        child.environment().put("MESH_ROOT", System.getProperty("mesh.root"));
        Process process = child.start();
        Path results = out.resolve("results.jsonl");
        while (process.isAlive()
                && (!Files.exists(results) || Files.readAllLines(results).size() < 6)) {
            Thread.sleep(20);
        }
        assertThat(process.isAlive())
                .as("the pilot ended before it was stopped")
                .isTrue();
        return process;
    }

    /** The same command again after a stop with {@code before} answers written: it sends only the rest. */
    private static List<JsonNode> resume(Path dir, Path out, String tenant, int before) throws Exception {
        Run resumed = pilot("pilot", dir.resolve("plan.yaml").toString(), "--out", out.toString(), "--tenant", tenant);

        assertThat(resumed.status()).as(resumed.err()).isZero();
        List<JsonNode> lines = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("results.jsonl"))) {
            lines.add(JSON.readTree(line));
        }
        assertThat(lines).hasSize(18);
        assertThat(lines.stream().map(l -> l.get("key").asText()).distinct()).hasSize(18);
        assertThat(resumed.err())
                .contains("pilot: " + (18 - before) + " answers now, " + before + " from earlier runs");
        return lines;
    }

    /** The request ids the audit trail holds for {@code tenant}, once each of {@code answered} is in it. */
    private static List<String> audited(String tenant, List<String> answered) {
        LocalMesh mesh = SharedMesh.mesh();
        io.grpc.ManagedChannel auditChannel = Context.plaintext("127.0.0.1:" + mesh.auditPort());
        try {
            var audit = ApiKeys.attach(AuditServiceGrpc.newBlockingStub(auditChannel), mesh.auditApiKey());
            for (String requestId : answered) {
                AuditEvents.await(audit, requestId, java.time.Duration.ofSeconds(60));
            }
            return audit
                    .listAuditEvents(ListAuditEventsRequest.newBuilder()
                            .setTenant(tenant)
                            .setPageSize(100)
                            .build())
                    .getEventsList()
                    .stream()
                    .map(e -> e.getResponse().getRequestId())
                    .toList();
        } finally {
            auditChannel.shutdownNow();
        }
    }

    /**
     * The default plan as shipped (pilot/plans/smollm2-math.yaml): SmolLM2-135M, four MATH-500 problems, three
     * budgets and the baseline, graded by Math-Verify. Whatever its accuracy, it answers every request and renders
     * the report; the report stays in target/pilot-smollm2 to read.
     */
    @Test
    void theDefaultSmolLm2PlanRunsAndRendersItsReport() throws Exception {
        Path out = Path.of(System.getProperty("mesh.work")).resolveSibling("pilot-smollm2");
        for (String file : List.of("results.jsonl", "plan.sha256")) {
            Files.deleteIfExists(out.resolve(file)); // a fresh run each time
        }
        Path plan = Path.of(System.getProperty("mesh.root"), "pilot", "plans", "smollm2-math.yaml");

        Run run = pilot("pilot", plan.toString(), "--out", out.toString());

        assertThat(run.status()).as(run.err()).isZero();
        JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
        assertThat(report.get("points"))
                .extracting(p -> p.get("point").asText())
                .containsExactly("t=16,s=128", "t=64,s=128", "t=192,s=128", "baseline");
        String html = Files.readString(out.resolve("report.html"));
        assertThat(html).contains("<svg class=\"chart\"");
        List<JsonNode> results = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("results.jsonl"))) {
            results.add(JSON.readTree(line));
        }
        assertThat(results).hasSize(16);
        for (JsonNode p : report.get("points")) {
            assertThat(p.get("requests").asInt()).isEqualTo(4);
            // a call the tier's deadline ended (a busy machine) is an outcome, counted as failed and wrong
            long failed = results.stream()
                    .filter(r -> r.get("point").asText().equals(p.get("point").asText()))
                    .filter(r -> !r.get("status").asText().equals("OK"))
                    .count();
            assertThat(p.get("failed").asLong()).isEqualTo(failed);
            assertThat(p.get("thinkingBudget").asInt()).isLessThanOrEqualTo(512);
            // each point's row carries its accuracy as the JSON has it
            String accuracy = String.format(
                    java.util.Locale.ROOT, "%.1f%%", 100 * p.get("accuracy").asDouble());
            assertThat(html)
                    .contains("<td>" + p.get("point").asText() + "</td>")
                    .contains("<td>" + accuracy + " (");
        }
        assertThat(report.get("recommendations").get(0).get("tier").asText()).isEqualTo("standard");
    }

    private static JsonNode withoutLatency(Path out) throws java.io.IOException {
        JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
        report.get("points").forEach(p -> {
            ((com.fasterxml.jackson.databind.node.ObjectNode) p).remove(List.of("latencyP50Ms", "latencyP95Ms"));
        });
        return report;
    }

    private static void assertInterval(JsonNode point, double low, double high) {
        assertThat(point.get("interval").get("low").asDouble()).isCloseTo(low, within(1e-7));
        assertThat(point.get("interval").get("high").asDouble()).isCloseTo(high, within(1e-7));
    }
}
