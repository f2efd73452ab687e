package io.elasticmesh.router.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class TierTableTests {

    private static TierTable parse(String yaml) {
        return TierTable.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "tiers.yaml");
    }

    @Test
    void readsEveryFieldOfATier() {
        TierTable table = parse("""
                tiers:
                  gold:
                    model: m
                    thinking-budget-tokens: 512
                    solution-budget-tokens: 256
                    deadline-ms: 9000
                """);

        assertThat(table.find("gold")).contains(new Tier("gold", "m", 512, 256, 9000));
        assertThat(table.find("silver")).isEmpty();
    }

    @Test
    void tierAuditsCutRequestsOnlyUnlessItSaysAll() {
        TierTable table = parse("""
                tiers:
                  gold:
                    model: m
                    thinking-budget-tokens: 512
                    solution-budget-tokens: 256
                    deadline-ms: 9000
                  regulated:
                    model: m
                    thinking-budget-tokens: 512
                    solution-budget-tokens: 256
                    deadline-ms: 9000
                    audit: all
                """);

        assertThat(table.require("gold").audit()).isEqualTo(AuditMode.CUT_ONLY);
        assertThat(table.require("regulated").audit()).isEqualTo(AuditMode.ALL);
    }

    @Test
    void unknownAuditModeIsRejectedListingTheModes() {
        assertThatThrownBy(() -> parse("""
                tiers:
                  gold:
                    model: m
                    thinking-budget-tokens: 512
                    solution-budget-tokens: 256
                    deadline-ms: 9000
                    audit: sometimes
                """)).hasMessage("tiers.yaml: tier 'gold': field 'audit' must be one of [cut-only, all], was "
                + "'sometimes'");
    }

    @Test
    void zeroBudgetIsRejectedNamingFileTierAndField() {
        assertThatThrownBy(() -> parse("""
                tiers:
                  gold:
                    model: m
                    thinking-budget-tokens: 0
                    solution-budget-tokens: 256
                    deadline-ms: 9000
                """)).hasMessage("tiers.yaml: tier 'gold': thinking-budget-tokens must be at least 1, was 0");
    }

    @Test
    void misspelledFieldIsRejectedRatherThanIgnored() {
        assertThatThrownBy(() -> parse("""
                tiers:
                  gold:
                    model: m
                    thinking-budget: 10
                    solution-budget-tokens: 256
                    deadline-ms: 9000
                """)).hasMessage("tiers.yaml: tier 'gold': unknown field(s) [thinking-budget]; known: [model, "
                + "thinking-budget-tokens, solution-budget-tokens, deadline-ms, audit]");
    }

    @Test
    void missingFieldIsRejected() {
        assertThatThrownBy(() -> parse("""
                tiers:
                  gold:
                    model: m
                    solution-budget-tokens: 256
                    deadline-ms: 9000
                """)).hasMessage("tiers.yaml: tier 'gold': missing field 'thinking-budget-tokens'");
    }

    @Test
    void textWhereANumberBelongsIsRejected() {
        assertThatThrownBy(() -> parse("""
                tiers:
                  gold:
                    model: m
                    thinking-budget-tokens: lots
                    solution-budget-tokens: 256
                    deadline-ms: 9000
                """)).hasMessage("tiers.yaml: tier 'gold': field 'thinking-budget-tokens' must be a whole number up to "
                + Integer.MAX_VALUE + ", was \"lots\"");
    }

    @Test
    void emptyFileIsRejected() {
        assertThatThrownBy(() -> parse("tiers: {}\n")).hasMessageContaining("no tiers");
    }

    @Test
    void tierFilesShippedForKubernetesParse() throws Exception {
        Path k8s = Path.of(System.getProperty("mesh.root", "..")).resolve("k8s");
        for (String file : List.of("base/tiers.yaml", "components/gpu-triton/tiers.yaml")) {
            try (InputStream in = Files.newInputStream(k8s.resolve(file))) {
                assertThat(TierTable.parse(in, file).names()).as(file).contains("standard", "economy");
            }
        }
    }
}
