package io.elasticmesh.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.elasticmesh.cli.Context;
import io.elasticmesh.cli.MeshCli;
import io.elasticmesh.local.LocalMesh;
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

    private static void assertInterval(JsonNode point, double low, double high) {
        assertThat(point.get("interval").get("low").asDouble()).isCloseTo(low, within(1e-7));
        assertThat(point.get("interval").get("high").asDouble()).isCloseTo(high, within(1e-7));
    }
}
