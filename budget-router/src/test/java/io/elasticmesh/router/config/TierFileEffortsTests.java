package io.elasticmesh.router.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elasticmesh.router.ReasoningEfforts;
import io.elasticmesh.router.TierTable;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The tier file's {@code reasoning-effort-thinking-tokens}: the HTTP API's effort levels as thinking budgets. */
class TierFileEffortsTests {

    private static TierTable parse(String efforts) {
        String yaml = """
                tiers:
                  gold:
                    model: m
                    thinking-budget-tokens: 512
                    thinking-budget-ceiling-tokens: 1024
                    solution-budget-tokens: 256
                    deadline-ms: 9000
                """ + efforts;
        return TierFile.parse(yaml.getBytes(StandardCharsets.UTF_8), "tiers.yaml");
    }

    @Test
    void readsTheThreeLevels() {
        TierTable table = parse("    reasoning-effort-thinking-tokens: {low: 64, medium: 300, high: 1024}\n");

        assertThat(table.require("gold").reasoningEfforts()).isEqualTo(new ReasoningEfforts(64, 300, 1024));
    }

    @Test
    void withoutThemTheLevelsFollowTheThinkingBudgets() {
        assertThat(parse("").require("gold").reasoningEfforts()).isEqualTo(new ReasoningEfforts(128, 512, 1024));
    }

    @Test
    void aLevelAboveTheCeilingIsRefusedNamingTheTier() {
        assertThatThrownBy(() -> parse("    reasoning-effort-thinking-tokens: {low: 64, medium: 300, high: 2048}\n"))
                .hasMessage("tiers.yaml: tier 'gold': reasoning-effort-thinking-tokens high must be at most "
                        + "thinking-budget-ceiling-tokens (1024), was 2048");
    }

    @Test
    void levelsOutOfOrderAreRefused() {
        assertThatThrownBy(() -> parse("    reasoning-effort-thinking-tokens: {low: 400, medium: 300, high: 1000}\n"))
                .hasMessage("tiers.yaml: tier 'gold': reasoning-effort-thinking-tokens must satisfy 1 <= low <= "
                        + "medium <= high, was low 400, medium 300, high 1000");
    }

    @Test
    void aMissingOrUnknownLevelIsRefused() {
        assertThatThrownBy(() -> parse("    reasoning-effort-thinking-tokens: {low: 4, medium: 30}\n"))
                .hasMessageContaining("tier 'gold'")
                .hasMessageContaining("high");
        assertThatThrownBy(
                        () -> parse("    reasoning-effort-thinking-tokens: {low: 4, medium: 30, high: 90, max: 99}\n"))
                .hasMessageContaining("max");
    }
}
