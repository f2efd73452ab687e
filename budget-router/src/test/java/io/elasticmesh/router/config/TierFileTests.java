package io.elasticmesh.router.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elasticmesh.conversation.TokenPrice;
import io.elasticmesh.router.AuditMode;
import io.elasticmesh.router.QuotaStoreOutage;
import io.elasticmesh.router.ReviewRule;
import io.elasticmesh.router.SamplingBounds;
import io.elasticmesh.router.ShadowRule;
import io.elasticmesh.router.Tenant;
import io.elasticmesh.router.Tier;
import io.elasticmesh.router.TierTable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class TierFileTests {

    private static final String GOLD = """
            tiers:
              gold:
                model: m
                thinking-budget-tokens: 512
                solution-budget-tokens: 256
                deadline-ms: 9000
            """;

    private static TierTable parse(String yaml) {
        return TierFile.parse(yaml.getBytes(StandardCharsets.UTF_8), "tiers.yaml");
    }

    @Test
    void readsEveryFieldOfATierAndATenant() {
        TierTable table = parse("""
                max-concurrent-requests: 5
                tiers:
                  gold:
                    model: m
                    thinking-budget-tokens: 512
                    thinking-budget-ceiling-tokens: 1024
                    solution-budget-tokens: 256
                    deadline-ms: 9000
                    priority: 7
                    max-concurrent-requests: 3
                    queue-limit: 0
                    rollover-unused-thinking: true
                tenants:
                  acme:
                    allowed-tiers: [gold]
                    default-tier: gold
                    tokens-per-minute: 1000
                """);

        assertThat(table.find("gold")).contains(new Tier("gold", "m", 512, 1024, 256, 9000, 7, 3, 0, true));
        assertThat(table.tenant("acme")).contains(new Tenant("acme", Set.of("gold"), "gold", 1000));
        assertThat(table.maxConcurrentRequests()).isEqualTo(5);
        assertThat(table.find("silver")).isEmpty();
    }

    @Test
    void optionalFieldsTakeTheirDocumentedDefaults() {
        TierTable table = parse(GOLD);

        assertThat(table.require("gold"))
                .isEqualTo(new Tier(
                        "gold",
                        "m",
                        512,
                        512,
                        256,
                        9000,
                        TierFile.DEFAULT_PRIORITY,
                        TierFile.DEFAULT_MAX_CONCURRENT,
                        TierFile.DEFAULT_QUEUE_LIMIT,
                        false));
        assertThat(table.tenants()).isEmpty();
        assertThat(table.maxConcurrentRequests()).as("sum of the tiers' limits").isEqualTo(8);
    }

    @Test
    void tierAuditsCutRequestsOnlyUnlessItSaysAll() {
        TierTable table = parse(GOLD + """
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
    void tierSendsNothingToReviewUnlessItSaysSampleOrAllCut() {
        TierTable table = parse(GOLD + """
                  sampled:
                    model: m
                    thinking-budget-tokens: 512
                    solution-budget-tokens: 256
                    deadline-ms: 9000
                    review: sample 0.05
                  regulated:
                    model: m
                    thinking-budget-tokens: 512
                    solution-budget-tokens: 256
                    deadline-ms: 9000
                    review: all-cut
                """);

        assertThat(table.require("gold").review()).isEqualTo(ReviewRule.NONE);
        assertThat(table.require("sampled").review()).isEqualTo(new ReviewRule(0.05));
        assertThat(table.require("regulated").review()).isEqualTo(ReviewRule.ALL_CUT);
        assertThat(parse(GOLD + "    review: none\n").require("gold").review()).isEqualTo(ReviewRule.NONE);
    }

    @Test
    void aReviewSampleOutsideZeroToOneOrAnUnknownRuleIsRejectedNamingTierAndField() {
        for (String review : List.of("sample 0", "sample 1.5", "sample -0.1", "sample", "always")) {
            assertThatThrownBy(() -> parse(GOLD + "    review: " + review + "\n"))
                    .hasMessage("tiers.yaml: tier 'gold': field 'review' must be 'none', 'sample <fraction>' with "
                            + "0 < fraction <= 1, or 'all-cut', was '" + review + "'");
        }
        assertThatThrownBy(() -> parse(GOLD + "    review: 0.5\n"))
                .hasMessageStartingWith("tiers.yaml: tier 'gold'")
                .hasMessageContaining("review");
    }

    @Test
    void aTierFailsOpenWhenTheSharedQuotaStoreIsDownUnlessItSaysFailClosed() {
        TierTable table = parse(GOLD + """
                  guarded:
                    model: m
                    thinking-budget-tokens: 512
                    solution-budget-tokens: 256
                    deadline-ms: 9000
                    quota-store-outage: fail-closed
                """);

        assertThat(table.require("gold").quotaStoreOutage()).isEqualTo(QuotaStoreOutage.FAIL_OPEN);
        assertThat(table.require("guarded").quotaStoreOutage()).isEqualTo(QuotaStoreOutage.FAIL_CLOSED);
        assertThatThrownBy(() -> parse(GOLD + "    quota-store-outage: closed\n"))
                .hasMessageEndingWith("tier 'gold': field 'quota-store-outage' must be one of [fail-open, fail-closed],"
                        + " was 'closed'");
    }

    @Test
    void samplingBoundsArePinsOrRangesWithDefaultsAndSeedsAreAllowedUnlessRefused() {
        SamplingBounds sampling = parse(GOLD + """
                    sampling:
                      temperature: {default: 0.6, max: 1.0}
                      top-p: {pin: 0.95}
                      seed-allowed: false
                """).require("gold").sampling();

        assertThat(sampling)
                .isEqualTo(new SamplingBounds(
                        new SamplingBounds.Range(0, 1.0, OptionalDouble.of(0.6)),
                        SamplingBounds.Range.pinned(0.95),
                        false));
        assertThat(parse(GOLD).require("gold").sampling()).isEqualTo(SamplingBounds.OPEN);
        assertThat(parse(GOLD + "    sampling:\n      temperature: {min: 0.2}\n")
                        .require("gold")
                        .sampling())
                .isEqualTo(new SamplingBounds(
                        new SamplingBounds.Range(0.2, 2, OptionalDouble.empty()), SamplingBounds.OPEN.topP(), true));
    }

    @Test
    void badSamplingBoundsAreRejectedNamingTierAndField() {
        assertThatThrownBy(() -> parse(GOLD + "    sampling:\n      temperature: {pin: 0.6, max: 1}\n"))
                .hasMessage("tiers.yaml: tier 'gold': sampling.temperature: pin excludes default, min and max");
        assertThatThrownBy(() -> parse(GOLD + "    sampling:\n      temperature: {default: 1.5, max: 1}\n"))
                .hasMessage("tiers.yaml: tier 'gold': sampling.temperature: default (1.5) must be within 0.0..1.0");
        assertThatThrownBy(() -> parse(GOLD + "    sampling:\n      temperature: {max: 3}\n"))
                .hasMessage("tiers.yaml: tier 'gold': sampling.temperature: min and max must be within 0.0..2.0, "
                        + "were 0.0..3.0");
        assertThatThrownBy(() -> parse(GOLD + "    sampling:\n      top-p: {pin: 0}\n"))
                .hasMessageContaining("tier 'gold': sampling.top-p: max and default must be above 0");
        assertThatThrownBy(() -> parse(GOLD + "    sampling:\n      top_p: {pin: 0.9}\n"))
                .hasMessageContaining("tier 'gold': sampling: unknown field(s) [top_p]");
        assertThatThrownBy(() -> parse(GOLD + "    sampling:\n      temperature: {maximum: 1}\n"))
                .hasMessageContaining("tier 'gold': sampling.temperature: unknown field(s) [maximum]");
    }

    @Test
    void unknownAuditModeIsRejectedListingTheModes() {
        assertThatThrownBy(() -> parse(GOLD + "    audit: sometimes\n"))
                .hasMessage("tiers.yaml: tier 'gold': field 'audit' must be one of [cut-only, all], was 'sometimes'");
    }

    @Test
    void theVersionFollowsTheContent() {
        assertThat(parse(GOLD).version())
                .isEqualTo(parse(GOLD).version())
                .startsWith("sha256:")
                .hasSize(19);
        assertThat(parse(GOLD.replace("9000", "9001")).version())
                .isNotEqualTo(parse(GOLD).version());
    }

    @Test
    void zeroBudgetIsRejectedNamingFileTierAndField() {
        assertThatThrownBy(() -> parse(GOLD.replace("thinking-budget-tokens: 512", "thinking-budget-tokens: 0")))
                .hasMessage("tiers.yaml: tier 'gold': thinking-budget-tokens must be at least 1, was 0");
    }

    @Test
    void ceilingBelowTheDefaultIsRejected() {
        assertThatThrownBy(() -> parse(GOLD + "    thinking-budget-ceiling-tokens: 100\n"))
                .hasMessage("tiers.yaml: tier 'gold': thinking-budget-ceiling-tokens must be at least "
                        + "thinking-budget-tokens (512), was 100");
    }

    @Test
    void misspelledFieldIsRejectedRatherThanIgnored() {
        assertThatThrownBy(() -> parse(GOLD + "    max-concurent-requests: 10\n"))
                .hasMessageStartingWith("tiers.yaml: tier 'gold': unknown field(s) [max-concurent-requests]; known: "
                        + "[model, thinking-budget-tokens,");
    }

    @Test
    void unknownTopLevelKeyIsRejected() {
        assertThatThrownBy(() -> parse(GOLD + "tenant:\n  a: {}\n"))
                .hasMessage("tiers.yaml: unknown field(s) [tenant]; known: [max-concurrent-requests, tiers, tenants]");
    }

    @Test
    void missingFieldIsRejected() {
        assertThatThrownBy(() -> parse(GOLD.replace("    thinking-budget-tokens: 512\n", "")))
                .hasMessage("tiers.yaml: tier 'gold': missing field 'thinking-budget-tokens'");
    }

    @Test
    void textWhereANumberBelongsIsRejected() {
        assertThatThrownBy(() -> parse(GOLD.replace("512", "lots")))
                .hasMessage("tiers.yaml: tier 'gold': field 'thinking-budget-tokens' must be a whole number up to "
                        + Integer.MAX_VALUE + ", was \"lots\"");
    }

    @Test
    void rolloverMustBeABoolean() {
        assertThatThrownBy(() -> parse(GOLD + "    rollover-unused-thinking: sometimes\n"))
                .hasMessage("tiers.yaml: tier 'gold': field 'rollover-unused-thinking' must be true or false, was "
                        + "\"sometimes\"");
    }

    @Test
    void tenantNamingAnUnknownTierIsRejected() {
        assertThatThrownBy(() -> parse(GOLD + """
                tenants:
                  acme:
                    allowed-tiers: [gold, platinum]
                    default-tier: gold
                    tokens-per-minute: 1000
                """))
                .hasMessage("tiers.yaml: tenant 'acme': allowed-tiers names unknown tier(s) [platinum]; "
                        + "known tiers: [gold]");
    }

    @Test
    void tenantDefaultTierOutsideItsAllowedTiersIsRejected() {
        assertThatThrownBy(() -> parse(GOLD + """
                  silver:
                    model: m
                    thinking-budget-tokens: 8
                    solution-budget-tokens: 8
                    deadline-ms: 9000
                tenants:
                  acme:
                    allowed-tiers: [gold]
                    default-tier: silver
                    tokens-per-minute: 1000
                """))
                .hasMessage(
                        "tiers.yaml: tenant 'acme': default-tier 'silver' is not one of its allowed-tiers " + "[gold]");
    }

    @Test
    void tenantWithoutQuotaIsRejected() {
        assertThatThrownBy(() -> parse(GOLD + """
                tenants:
                  acme:
                    allowed-tiers: [gold]
                    default-tier: gold
                """))
                .hasMessage("tiers.yaml: tenant 'acme': missing field 'tokens-per-minute'");
    }

    @Test
    void emptyOrNonYamlFilesAreRejected() {
        assertThatThrownBy(() -> parse("tiers: {}\n")).hasMessageContaining("tiers.yaml: 'tiers' must be a mapping");
        assertThatThrownBy(() -> parse("")).hasMessage("tiers.yaml: no tiers defined (expected a 'tiers' mapping)");
        assertThatThrownBy(() -> parse("tiers: [\n")).hasMessageStartingWith("tiers.yaml: not valid YAML");
    }

    @Test
    void tierFilesShippedForKubernetesParse() throws Exception {
        Path k8s = Path.of(System.getProperty("mesh.root", "..")).resolve("k8s");
        for (String file : List.of("base/tiers.yaml", "components/gpu-triton/tiers.yaml")) {
            TierTable table = TierFile.parse(Files.readAllBytes(k8s.resolve(file)), file);
            assertThat(table.names()).as(file).contains("standard", "economy");
        }
    }

    // --- shadow evaluation ---

    private static final String CEILING_1024 = GOLD + "    thinking-budget-ceiling-tokens: 1024\n";

    @Test
    void aTierShadowsNothingAndIsUnpricedUnlessItSaysSo() {
        Tier gold = parse(GOLD).require("gold");
        assertThat(gold.shadow()).isEqualTo(ShadowRule.NONE);
        assertThat(gold.price()).isEmpty();

        Tier shadowed = parse(CEILING_1024 + """
                    shadow: {fraction: 0.05, thinking-budget-tokens: 1024}
                    price: {currency: USD, prompt-per-million: 0.5, generated-per-million: 2}
                """).require("gold");

        assertThat(shadowed.shadow()).isEqualTo(new ShadowRule(0.05, 1024));
        assertThat(shadowed.price()).contains(new TokenPrice("USD", 0.5, 2));
    }

    /** Valid exactly when the fraction is 0 to 1 and, shadowing anything, t < budget <= ceiling (512, 1024). */
    @Property
    void aShadowIsReadOrRefusedNamingItsField(
            @ForAll @DoubleRange(min = -0.5, max = 1.5) double fraction,
            @ForAll @IntRange(min = -10, max = 1100) int budget) {
        String yaml =
                CEILING_1024 + "    shadow: {fraction: " + fraction + ", thinking-budget-tokens: " + budget + "}\n";
        boolean fractionValid = fraction >= 0 && fraction <= 1;
        boolean budgetValid = fraction == 0 ? budget >= 0 : budget > 512 && budget <= 1024;

        if (fractionValid && budgetValid) {
            assertThat(parse(yaml).require("gold").shadow()).isEqualTo(new ShadowRule(fraction, budget));
        } else {
            assertThatThrownBy(() -> parse(yaml))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("tiers.yaml: tier 'gold': ")
                    .hasMessageContaining(fractionValid ? "shadow.thinking-budget-tokens" : "shadow.fraction");
        }
    }

    @Test
    void aShadowOrPriceMissingAFieldOrWithANegativePriceIsRefusedNamingIt() {
        assertThatThrownBy(() -> parse(CEILING_1024 + "    shadow: {fraction: 0.5}\n"))
                .hasMessageContaining("tier 'gold'")
                .hasMessageContaining("thinking-budget-tokens");
        assertThatThrownBy(() -> parse(
                        GOLD + "    price: {currency: USD, prompt-per-million: -1, " + "generated-per-million: 2}\n"))
                .hasMessage("tiers.yaml: tier 'gold': price.prompt-per-million and price.generated-per-million must "
                        + "be 0 or more, were -1.0 and 2.0");
        assertThatThrownBy(() -> parse(
                        GOLD + "    price: {currency: ' ', prompt-per-million: 1, " + "generated-per-million: 2}\n"))
                .hasMessage("tiers.yaml: tier 'gold': price.currency must be set (a code such as USD)");
    }
}
