package io.elasticmesh.router.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.elasticmesh.conversation.TokenPrice;
import io.elasticmesh.edge.StrictYaml;
import io.elasticmesh.router.AuditMode;
import io.elasticmesh.router.QuotaStoreOutage;
import io.elasticmesh.router.ReasoningEfforts;
import io.elasticmesh.router.ReviewRule;
import io.elasticmesh.router.SamplingBounds;
import io.elasticmesh.router.ShadowRule;
import io.elasticmesh.router.Tenant;
import io.elasticmesh.router.Tier;
import io.elasticmesh.router.TierTable;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Reads the ops-owned tier file (format and meaning of each field: {@code k8s/base/tiers.yaml} and the README's
 * operator section). Every error names the file, the tier or tenant, and the field, so ops can fix a file without
 * reading code. Unknown fields are errors, never ignored: a misspelt limit must not silently fall back to a default
 * ({@link StrictYaml}).
 */
public final class TierFile {

    static final int DEFAULT_PRIORITY = 0;
    static final int DEFAULT_MAX_CONCURRENT = 8;
    static final int DEFAULT_QUEUE_LIMIT = 16;

    /** The document: {@code tiers} is checked by hand, as its absence has its own message. */
    @JsonNaming(PropertyNamingStrategies.KebabCaseStrategy.class)
    private record FileYaml(Integer maxConcurrentRequests, JsonNode tiers, JsonNode tenants) {}

    @JsonNaming(PropertyNamingStrategies.KebabCaseStrategy.class)
    private record TierYaml(
            @JsonProperty(required = true) String model,
            @JsonProperty(required = true) int thinkingBudgetTokens,
            Integer thinkingBudgetCeilingTokens,
            @JsonProperty(required = true) int solutionBudgetTokens,
            @JsonProperty(required = true) long deadlineMs,
            Integer priority,
            Integer maxConcurrentRequests,
            Integer queueLimit,
            boolean rolloverUnusedThinking,
            String audit,
            String review,
            JsonNode sampling,
            EffortsYaml reasoningEffortThinkingTokens,
            String quotaStoreOutage,
            ShadowYaml shadow,
            PriceYaml price) {}

    /** A tier's {@code shadow}: both fields when present. */
    @JsonNaming(PropertyNamingStrategies.KebabCaseStrategy.class)
    private record ShadowYaml(
            @JsonProperty(required = true) double fraction,
            @JsonProperty(required = true) int thinkingBudgetTokens) {}

    /** A tier's {@code price}: a currency and both prices per million tokens. */
    @JsonNaming(PropertyNamingStrategies.KebabCaseStrategy.class)
    private record PriceYaml(
            @JsonProperty(required = true) String currency,
            @JsonProperty(required = true) double promptPerMillion,
            @JsonProperty(required = true) double generatedPerMillion) {}

    /** A tier's {@code sampling}: each part is checked by hand, as its shape has its own message. */
    @JsonNaming(PropertyNamingStrategies.KebabCaseStrategy.class)
    private record SamplingYaml(JsonNode temperature, JsonNode topP, Boolean seedAllowed) {}

    /** A sampling value's bounds: {@code pin} alone, or any of {@code default}, {@code min}, {@code max}. */
    private record RangeYaml(@JsonProperty("default") Double byDefault, Double pin, Double min, Double max) {}

    /** Thinking budgets of the HTTP API's {@code reasoning_effort} levels; all three when present. */
    private record EffortsYaml(
            @JsonProperty(required = true) int low,
            @JsonProperty(required = true) int medium,
            @JsonProperty(required = true) int high) {}

    @JsonNaming(PropertyNamingStrategies.KebabCaseStrategy.class)
    private record TenantYaml(
            @JsonProperty(required = true) List<String> allowedTiers,
            @JsonProperty(required = true) String defaultTier,
            @JsonProperty(required = true) long tokensPerMinute) {}

    private TierFile() {}

    /** @throws IllegalArgumentException naming the source, the entry and the field of the first error found */
    public static TierTable parse(byte[] content, String source) {
        try {
            return read(content);
        } catch (IllegalArgumentException invalid) {
            throw new IllegalArgumentException(source + ": " + invalid.getMessage(), invalid);
        }
    }

    private static TierTable read(byte[] content) {
        JsonNode root = StrictYaml.tree(content);
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("no tiers defined (expected a 'tiers' mapping)");
        }
        FileYaml file = StrictYaml.bind(root, FileYaml.class, "");
        Map<String, Tier> tiers = entries(file.tiers(), "tiers", true, "tier", TierFile::tier);
        Map<String, Tenant> tenants = entries(file.tenants(), "tenants", false, "tenant", TierFile::tenant);
        int capacity = file.maxConcurrentRequests() != null
                ? file.maxConcurrentRequests()
                : tiers.values().stream().mapToInt(Tier::maxConcurrentRequests).sum();
        return new TierTable(tiers, tenants, capacity, version(content));
    }

    private static <T> Map<String, T> entries(
            JsonNode entries, String section, boolean required, String kind, BiFunction<String, JsonNode, T> reader) {
        if (entries == null || entries.isNull()) {
            if (required) {
                throw new IllegalArgumentException("no tiers defined (expected a 'tiers' mapping)");
            }
            return Map.of();
        }
        if (!entries.isObject() || (required && entries.isEmpty())) {
            throw new IllegalArgumentException("'" + section + "' must be a mapping of " + kind + " names to " + kind
                    + "s" + (required ? ", with at least one" : ""));
        }
        Map<String, T> read = new TreeMap<>();
        entries.fields().forEachRemaining(e -> read.put(e.getKey(), reader.apply(e.getKey(), e.getValue())));
        return read;
    }

    private static Tier tier(String name, JsonNode node) {
        String where = "tier '" + name + "'";
        TierYaml t = StrictYaml.bind(node, TierYaml.class, where);
        int thinking = t.thinkingBudgetTokens();
        int ceiling = or(t.thinkingBudgetCeilingTokens(), thinking);
        AuditMode audit = parsed(t.audit(), AuditMode.CUT_ONLY, AuditMode::fromConfigName, where, "audit");
        ReviewRule review = parsed(t.review(), ReviewRule.NONE, ReviewRule::parse, where, "review");
        SamplingBounds sampling = sampling(t.sampling(), where);
        QuotaStoreOutage outage = parsed(
                t.quotaStoreOutage(),
                QuotaStoreOutage.FAIL_OPEN,
                QuotaStoreOutage::fromConfigName,
                where,
                "quota-store-outage");
        EffortsYaml efforts = t.reasoningEffortThinkingTokens();
        ShadowYaml shadow = t.shadow();
        try {
            return new Tier(
                    name,
                    t.model(),
                    thinking,
                    ceiling,
                    t.solutionBudgetTokens(),
                    t.deadlineMs(),
                    or(t.priority(), DEFAULT_PRIORITY),
                    or(t.maxConcurrentRequests(), DEFAULT_MAX_CONCURRENT),
                    or(t.queueLimit(), DEFAULT_QUEUE_LIMIT),
                    t.rolloverUnusedThinking(),
                    audit,
                    review,
                    sampling,
                    efforts == null
                            ? Tier.defaultEfforts(thinking, ceiling)
                            : new ReasoningEfforts(efforts.low(), efforts.medium(), efforts.high()),
                    outage,
                    shadow == null ? ShadowRule.NONE : new ShadowRule(shadow.fraction(), shadow.thinkingBudgetTokens()),
                    price(t.price(), where));
        } catch (IllegalArgumentException invalid) {
            throw new IllegalArgumentException(
                    invalid.getMessage().startsWith("tier '")
                            ? invalid.getMessage()
                            : where + ": " + invalid.getMessage(),
                    invalid);
        }
    }

    private static SamplingBounds sampling(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return SamplingBounds.OPEN;
        }
        String at = where + ": sampling";
        SamplingYaml yaml = StrictYaml.bind(node, SamplingYaml.class, at);
        try {
            return new SamplingBounds(
                    range(yaml.temperature(), SamplingBounds.OPEN.temperature(), at + ".temperature"),
                    range(yaml.topP(), SamplingBounds.OPEN.topP(), at + ".top-p"),
                    yaml.seedAllowed() == null || yaml.seedAllowed());
        } catch (IllegalArgumentException invalid) {
            if (invalid.getMessage().startsWith(where)) {
                throw invalid;
            }
            throw new IllegalArgumentException(at + "." + invalid.getMessage(), invalid);
        }
    }

    /** Bounds as written; a missing min or max is the proto's ({@code open}). */
    private static SamplingBounds.Range range(JsonNode node, SamplingBounds.Range open, String at) {
        if (node == null || node.isNull()) {
            return open;
        }
        RangeYaml yaml = StrictYaml.bind(node, RangeYaml.class, at);
        try {
            if (yaml.pin() != null) {
                if (yaml.byDefault() != null || yaml.min() != null || yaml.max() != null) {
                    throw new IllegalArgumentException("pin excludes default, min and max");
                }
                return SamplingBounds.Range.pinned(yaml.pin());
            }
            return new SamplingBounds.Range(
                    yaml.min() != null ? yaml.min() : open.min(),
                    yaml.max() != null ? yaml.max() : open.max(),
                    yaml.byDefault() != null ? OptionalDouble.of(yaml.byDefault()) : OptionalDouble.empty());
        } catch (IllegalArgumentException invalid) {
            throw new IllegalArgumentException(at + ": " + invalid.getMessage(), invalid);
        }
    }

    private static Optional<TokenPrice> price(PriceYaml price, String where) {
        if (price == null) {
            return Optional.empty();
        }
        if (price.currency().isBlank()) {
            throw new IllegalArgumentException(where + ": price.currency must be set (a code such as USD)");
        }
        if (!(price.promptPerMillion() >= 0) || !(price.generatedPerMillion() >= 0)) {
            throw new IllegalArgumentException(where + ": price.prompt-per-million and price.generated-per-million "
                    + "must be 0 or more, were " + price.promptPerMillion() + " and " + price.generatedPerMillion());
        }
        return Optional.of(new TokenPrice(price.currency(), price.promptPerMillion(), price.generatedPerMillion()));
    }

    private static int or(Integer value, int absent) {
        return value != null ? value : absent;
    }

    /** A text field of a tier: {@code absent} when left out, else as {@code parse} reads it. */
    private static <T> T parsed(String text, T absent, Function<String, T> parse, String where, String field) {
        if (text == null) {
            return absent;
        }
        try {
            return parse.apply(text);
        } catch (IllegalArgumentException invalid) {
            throw new IllegalArgumentException(where + ": field '" + field + "' " + invalid.getMessage(), invalid);
        }
    }

    private static Tenant tenant(String name, JsonNode node) {
        TenantYaml t = StrictYaml.bind(node, TenantYaml.class, "tenant '" + name + "'");
        return new Tenant(name, new LinkedHashSet<>(t.allowedTiers()), t.defaultTier(), t.tokensPerMinute());
    }

    /** The same content gives the same version on every replica. */
    static String version(byte[] content) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(content);
            return "sha256:" + HexFormat.of().formatHex(hash).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
