package io.elasticmesh.router.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.elasticmesh.router.AuditMode;
import io.elasticmesh.router.Tenant;
import io.elasticmesh.router.Tier;
import io.elasticmesh.router.TierTable;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Reads the ops-owned tier file (format and meaning of each field: {@code k8s/base/tiers.yaml} and the README's
 * operator section). Every error names the file, the tier or tenant, and the field, so ops can fix a file without
 * reading code. Unknown fields are errors, never ignored: a misspelt limit must not silently fall back to a default.
 */
public final class TierFile {

    static final int DEFAULT_PRIORITY = 0;
    static final int DEFAULT_MAX_CONCURRENT = 8;
    static final int DEFAULT_QUEUE_LIMIT = 16;

    private static final List<String> TOP = List.of("max-concurrent-requests", "tiers", "tenants");
    private static final List<String> TIER_FIELDS = List.of("model", "thinking-budget-tokens",
            "thinking-budget-ceiling-tokens", "solution-budget-tokens", "deadline-ms", "priority",
            "max-concurrent-requests", "queue-limit", "rollover-unused-thinking", "audit");
    private static final List<String> TENANT_FIELDS = List.of("allowed-tiers", "default-tier", "tokens-per-minute");

    private TierFile() {
    }

    /** @throws IllegalArgumentException naming the source, the entry and the field of the first error found */
    public static TierTable parse(byte[] content, String source) {
        try {
            return read(content);
        } catch (IllegalArgumentException invalid) {
            throw new IllegalArgumentException(source + ": " + invalid.getMessage(), invalid);
        }
    }

    private static TierTable read(byte[] content) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(content);
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid YAML: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("no tiers defined (expected a 'tiers' mapping)");
        }
        rejectUnknown(root, TOP, "");
        Map<String, Tier> tiers = entries(root, "tiers", true, "tier", TierFile::tier);
        Map<String, Tenant> tenants = entries(root, "tenants", false, "tenant", TierFile::tenant);
        int capacity = root.has("max-concurrent-requests")
                ? (int) number(root, "max-concurrent-requests", "", Integer.MAX_VALUE)
                : tiers.values().stream().mapToInt(Tier::maxConcurrentRequests).sum();
        return new TierTable(tiers, tenants, capacity, version(content));
    }

    private static <T> Map<String, T> entries(JsonNode root, String section, boolean required, String kind,
            Function<Entry, T> reader) {
        JsonNode entries = root.get(section);
        if (entries == null || entries.isNull()) {
            if (required) {
                throw new IllegalArgumentException("no tiers defined (expected a 'tiers' mapping)");
            }
            return Map.of();
        }
        if (!entries.isObject() || (required && entries.isEmpty())) {
            throw new IllegalArgumentException("'" + section + "' must be a mapping of " + kind + " names to "
                    + kind + "s" + (required ? ", with at least one" : ""));
        }
        Map<String, T> read = new TreeMap<>();
        entries.fields().forEachRemaining(e -> read.put(e.getKey(),
                reader.apply(new Entry(e.getKey(), e.getValue(), kind + " '" + e.getKey() + "'"))));
        return read;
    }

    private record Entry(String name, JsonNode node, String where) {
    }

    private static Tier tier(Entry e) {
        expectMapping(e, TIER_FIELDS);
        int thinking = (int) number(e.node(), "thinking-budget-tokens", e.where(), Integer.MAX_VALUE);
        return new Tier(e.name(), text(e.node(), "model", e.where()), thinking,
                (int) optionalNumber(e.node(), "thinking-budget-ceiling-tokens", e.where(), Integer.MAX_VALUE,
                        thinking),
                (int) number(e.node(), "solution-budget-tokens", e.where(), Integer.MAX_VALUE),
                number(e.node(), "deadline-ms", e.where(), Long.MAX_VALUE),
                (int) optionalNumber(e.node(), "priority", e.where(), Integer.MAX_VALUE, DEFAULT_PRIORITY),
                (int) optionalNumber(e.node(), "max-concurrent-requests", e.where(), Integer.MAX_VALUE,
                        DEFAULT_MAX_CONCURRENT),
                (int) optionalNumber(e.node(), "queue-limit", e.where(), Integer.MAX_VALUE, DEFAULT_QUEUE_LIMIT),
                flag(e.node(), "rollover-unused-thinking", e.where()),
                auditMode(e));
    }

    private static AuditMode auditMode(Entry e) {
        if (!e.node().hasNonNull("audit")) {
            return AuditMode.CUT_ONLY;
        }
        try {
            return AuditMode.fromConfigName(text(e.node(), "audit", e.where()));
        } catch (IllegalArgumentException invalid) {
            throw new IllegalArgumentException(e.where() + ": field 'audit' " + invalid.getMessage(), invalid);
        }
    }

    private static Tenant tenant(Entry e) {
        expectMapping(e, TENANT_FIELDS);
        JsonNode allowed = required(e.node(), "allowed-tiers", e.where());
        if (!allowed.isArray()) {
            throw new IllegalArgumentException(e.where() + ": field 'allowed-tiers' must be a list of tier names, was "
                    + allowed);
        }
        Set<String> tiers = new LinkedHashSet<>();
        allowed.forEach(t -> tiers.add(t.asText()));
        return new Tenant(e.name(), tiers, text(e.node(), "default-tier", e.where()),
                number(e.node(), "tokens-per-minute", e.where(), Long.MAX_VALUE));
    }

    private static void expectMapping(Entry e, List<String> fields) {
        if (!e.node().isObject()) {
            throw new IllegalArgumentException(e.where() + ": expected a mapping of " + fields);
        }
        rejectUnknown(e.node(), fields, e.where() + ": ");
    }

    private static void rejectUnknown(JsonNode node, List<String> known, String where) {
        List<String> unknown = new ArrayList<>();
        node.fieldNames().forEachRemaining(f -> {
            if (!known.contains(f)) {
                unknown.add(f);
            }
        });
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(where + "unknown field(s) " + unknown + "; known: " + known);
        }
    }

    private static JsonNode required(JsonNode entry, String field, String where) {
        JsonNode value = entry.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException(where + ": missing field '" + field + "'");
        }
        return value;
    }

    private static String text(JsonNode entry, String field, String where) {
        JsonNode value = required(entry, field, where);
        if (!value.isTextual()) {
            throw new IllegalArgumentException(where + ": field '" + field + "' must be text, was " + value);
        }
        return value.asText();
    }

    private static boolean flag(JsonNode entry, String field, String where) {
        JsonNode value = entry.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new IllegalArgumentException(where + ": field '" + field + "' must be true or false, was " + value);
        }
        return value.asBoolean();
    }

    private static long optionalNumber(JsonNode entry, String field, String where, long max, long absent) {
        return entry.hasNonNull(field) ? number(entry, field, where, max) : absent;
    }

    private static long number(JsonNode entry, String field, String where, long max) {
        JsonNode value = required(entry, field, where);
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() > max) {
            throw new IllegalArgumentException((where.isEmpty() ? "" : where + ": ") + "field '" + field
                    + "' must be a whole number up to " + max + ", was " + value);
        }
        return value.asLong();
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
