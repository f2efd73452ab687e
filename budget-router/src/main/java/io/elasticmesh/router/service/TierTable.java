package io.elasticmesh.router.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The SLA tiers in force, read from YAML:
 *
 * <pre>
 * tiers:
 *   standard:
 *     model: smollm2-135m
 *     thinking-budget-tokens: 256
 *     solution-budget-tokens: 128
 *     deadline-ms: 120000
 *     audit: cut-only      # optional: cut-only (default) or all
 * </pre>
 *
 * Every error names the file, the tier and the field, so ops can fix a file without reading code.
 */
public final class TierTable {

    private static final List<String> FIELDS = List.of("model", "thinking-budget-tokens", "solution-budget-tokens",
            "deadline-ms", "audit");

    private final Map<String, Tier> tiers;

    private TierTable(Map<String, Tier> tiers) {
        this.tiers = Map.copyOf(tiers);
    }

    public Optional<Tier> find(String name) {
        return Optional.ofNullable(tiers.get(name));
    }

    /** @throws NoSuchElementException naming the known tiers when {@code name} is not one */
    public Tier require(String name) {
        return find(name).orElseThrow(() -> new NoSuchElementException(
                "tier '" + name + "' does not exist; known tiers: " + names()));
    }

    public Set<String> names() {
        return new TreeSet<>(tiers.keySet());
    }

    /** @throws IllegalArgumentException naming the source, tier and field of an invalid entry */
    public static TierTable parse(InputStream yaml, String source) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + ": not valid YAML: " + e.getMessage(), e);
        }
        JsonNode entries = root == null ? null : root.get("tiers");
        if (entries == null || !entries.isObject() || entries.isEmpty()) {
            throw new IllegalArgumentException(source + ": no tiers defined (expected a 'tiers' mapping)");
        }
        Map<String, Tier> tiers = new TreeMap<>();
        entries.fields().forEachRemaining(e -> {
            String where = source + ": tier '" + e.getKey() + "'";
            JsonNode entry = e.getValue();
            if (!entry.isObject()) {
                throw new IllegalArgumentException(where + ": expected a mapping of " + FIELDS);
            }
            List<String> unknown = new ArrayList<>();
            entry.fieldNames().forEachRemaining(f -> {
                if (!FIELDS.contains(f)) {
                    unknown.add(f);
                }
            });
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException(where + ": unknown field(s) " + unknown + "; known: " + FIELDS);
            }
            String model = text(entry, "model", where);
            int thinking = (int) number(entry, "thinking-budget-tokens", where, Integer.MAX_VALUE);
            int solution = (int) number(entry, "solution-budget-tokens", where, Integer.MAX_VALUE);
            long deadline = number(entry, "deadline-ms", where, Long.MAX_VALUE);
            AuditMode audit = auditMode(entry, where);
            try {
                tiers.put(e.getKey(), new Tier(e.getKey(), model, thinking, solution, deadline, audit));
            } catch (IllegalArgumentException invalid) {
                // Tier's own range checks name the tier and field; add the file.
                throw new IllegalArgumentException(source + ": " + invalid.getMessage(), invalid);
            }
        });
        return new TierTable(tiers);
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

    private static AuditMode auditMode(JsonNode entry, String where) {
        if (entry.get("audit") == null) {
            return AuditMode.CUT_ONLY;
        }
        try {
            return AuditMode.fromConfigName(text(entry, "audit", where));
        } catch (IllegalArgumentException invalid) {
            throw new IllegalArgumentException(where + ": field 'audit' " + invalid.getMessage(), invalid);
        }
    }

    private static long number(JsonNode entry, String field, String where, long max) {
        JsonNode value = required(entry, field, where);
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() > max) {
            throw new IllegalArgumentException(where + ": field '" + field + "' must be a whole number up to " + max
                    + ", was " + value);
        }
        return value.asLong();
    }
}
