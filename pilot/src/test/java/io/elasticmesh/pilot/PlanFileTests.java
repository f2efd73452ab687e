package io.elasticmesh.pilot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elasticmesh.pilot.Plan.Budget;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanFileTests {

    private static final Path ROOT = Path.of(System.getProperty("mesh.root"));

    private static Plan parse(String yaml, Path dir) {
        return PlanFile.parse(yaml.getBytes(StandardCharsets.UTF_8), dir);
    }

    private static final String BASE = """
            name: p
            tiers: [gold]
            datasets:
              - {name: d, file: d.jsonl, grading: exact}
            grid: {thinking: [4, 8], solution: [16]}
            baseline: {thinking: 64, solution: 16}
            """;

    @Test
    void aPlanBindsWithItsDefaultsAndItsGridInOrder(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("d.jsonl"), "{\"id\": \"1\", \"problem\": \"?\", \"answer\": \"1\"}\n");

        Plan plan = parse(BASE + "budgets: [{thinking: 2, solution: 16}]\n", dir);

        assertThat(plan.budgets()).containsExactly(new Budget(2, 16), new Budget(4, 16), new Budget(8, 16));
        assertThat(plan.baseline()).isEqualTo(new Budget(64, 16));
        assertThat(plan.samples()).isEqualTo(1);
        assertThat(plan.concurrency()).isEqualTo(1);
        assertThat(plan.temperature()).isNull();
        assertThat(plan.datasets().get(0).file()).isEqualTo(dir.resolve("d.jsonl"));
    }

    @Test
    void errorsNameTheEntryAndTheField(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("d.jsonl"), "{\"id\": \"1\", \"problem\": \"?\", \"answer\": \"1\"}\n");

        assertThatThrownBy(() -> parse(BASE + "temprature: 0.6\n", dir))
                .hasMessageContaining("unknown field(s) [temprature]");
        assertThatThrownBy(() -> parse(BASE.replace("grading: exact", "grading: fuzzy"), dir))
                .hasMessageContaining(
                        "datasets[0] 'd': field 'grading' must be math, exact, choice or none, was 'fuzzy'");
        assertThatThrownBy(() -> parse(BASE.replace("d.jsonl", "missing.jsonl"), dir))
                .hasMessageContaining("datasets[0] 'd': field 'file': no such file");
        assertThatThrownBy(() -> parse(BASE.replace("[4, 8]", "[4, 0]"), dir))
                .hasMessageContaining("grid: field 'thinking' must be a non-empty list of token counts >= 1");
        assertThatThrownBy(() -> parse(BASE.replace("{thinking: 64, solution: 16}", "{thinking: 64}"), dir))
                .hasMessageContaining("baseline: missing field 'solution'");
        assertThatThrownBy(() -> parse(BASE + "top-p: 1.5\n", dir)).hasMessageContaining("field 'top-p' must be");
        assertThatThrownBy(() -> parse(BASE + "prices: {m: {gpu-hour: 2}}\n", dir))
                .hasMessageContaining("prices 'm': field 'generated-tokens-per-second' must be a measured rate > 0");
    }

    @Test
    void aDatasetLineWithoutAnAnswerIsRefusedWithItsLine(@TempDir Path dir) throws Exception {
        Files.writeString(
                dir.resolve("d.jsonl"),
                "{\"id\": \"1\", \"problem\": \"?\", \"answer\": \"1\"}\n"
                        + "{\"id\": \"2\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}\n");
        Plan plan = parse(BASE, dir);

        assertThatThrownBy(() -> Datasets.load(plan.datasets().get(0)))
                .hasMessageContaining("d.jsonl line 2: field 'answer' is missing, and dataset 'd' is graded exact");
    }

    @Test
    void theE1AimePlanParsesValidatesAndDryRuns() throws Exception {
        Pilot pilot = Pilot.load(ROOT.resolve("pilot/plans/e1-aime.yaml"));
        StringWriter out = new StringWriter();

        pilot.dryRun("t", new PrintWriter(out));

        Plan plan = pilot.plan();
        assertThat(plan.budgets())
                .containsExactly(
                        new Budget(512, 1024), new Budget(1024, 1024), new Budget(2048, 1024), new Budget(3072, 1024));
        assertThat(plan.samples()).isEqualTo(16);
        assertThat(plan.temperature()).isEqualTo(0.6);
        assertThat(plan.topP()).isEqualTo(0.95);
        String[] lines = out.toString().split("\n");
        // 30 problems x 16 samples x (4 points + baseline), then the totals and one cost line per priced model
        assertThat(lines).hasSize(2400 + 3);
        assertThat(lines[0])
                .startsWith("{\"key\":\"aime2024/0|e1-math|t=512,s=1024|0\",\"tier\":\"e1-math\","
                        + "\"thinking_budget_tokens\":512,\"solution_budget_tokens\":1024,\"clamp_budgets\":false,"
                        + "\"temperature\":0.6,\"top_p\":0.95,\"seed\":2024,");
        assertThat(lines[2400]).startsWith("2400 requests (30 items x 1 tiers x 16 samples x 4 budget points");
        assertThat(lines[2401]).startsWith("estimated cost at most ").contains(" USD if every tier serves ");
    }

    @Test
    void theDefaultPlanLoads() {
        Pilot pilot = Pilot.load(ROOT.resolve("pilot/plans/smollm2-math.yaml"));
        assertThat(pilot.tasks()).hasSize(4 * 4);
    }
}
