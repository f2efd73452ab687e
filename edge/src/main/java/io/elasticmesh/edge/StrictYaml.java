package io.elasticmesh.edge;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The one strict binding of the mesh's YAML files (tiers, principals, model profiles) into records, so that an ops
 * typo never falls back to a default: unknown fields are refused, a field the record marks
 * {@code @JsonProperty(required = true)} must be there (a null counts as missing; an optional field left out or null
 * binds as null, false or 0), and a value of the wrong kind is refused. Every error names where it is (the caller's
 * words for the entry, e.g. {@code tier 'gold'}), the field and the value as written; a text field must hold text,
 * not empty, and is never echoed, as it may be a mis-pasted secret. Field names are Jackson's: the record
 * component's, or as the record's {@code @JsonNaming} spells them.
 */
public final class StrictYaml {

    private static final ObjectMapper YAML = JsonMapper.builder(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    private StrictYaml() {}

    /**
     * The document as a tree, to find its entries; null for an empty document.
     *
     * @throws IllegalArgumentException "not valid YAML: …"
     */
    public static JsonNode tree(byte[] content) {
        try {
            JsonNode root = YAML.readTree(content);
            return root == null || root.isMissingNode() ? null : root;
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid YAML: " + e.getMessage(), e);
        }
    }

    /**
     * One mapping as {@code type}.
     *
     * @param where names the mapping in errors ({@code tier 'gold'}); empty for the document itself
     * @throws IllegalArgumentException naming {@code where}, the field and the value as written
     */
    public static <T extends Record> T bind(JsonNode node, Class<T> type, String where) {
        BeanDescription description = YAML.getDeserializationConfig().introspect(YAML.constructType(type));
        List<BeanPropertyDefinition> properties = description.findProperties();
        List<String> known =
                properties.stream().map(BeanPropertyDefinition::getName).toList();
        String at = where.isEmpty() ? "" : where + ": ";
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(at + "expected a mapping of " + known);
        }
        List<String> unknown = new ArrayList<>();
        node.fieldNames().forEachRemaining(f -> {
            if (!known.contains(f)) {
                unknown.add(f);
            }
        });
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(at + "unknown field(s) " + unknown + "; known: " + known);
        }
        for (BeanPropertyDefinition property : properties) {
            JsonNode value = node.get(property.getName());
            if (value == null || value.isNull()) {
                if (property.isRequired()) {
                    throw new IllegalArgumentException(at + "missing field '" + property.getName() + "'");
                }
            } else {
                check(property.getPrimaryType(), value, at + "field '" + property.getName() + "' ");
            }
        }
        try {
            return YAML.treeToValue(node, type);
        } catch (IOException e) {
            // The checks above admit only what binds; this is a record this binder cannot read.
            throw new IllegalStateException(at + "cannot bind " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private static void check(JavaType type, JsonNode value, String field) {
        Class<?> raw = type.getRawClass();
        if (raw == String.class) {
            // Whitespace can be meaningful (a profile's solutionPrefix "\n"); what it may not be is the entry's call.
            if (!value.isTextual() || value.asText().isEmpty()) {
                throw new IllegalArgumentException(field + "must be non-blank text");
            }
        } else if (raw == int.class || raw == Integer.class) {
            whole(value, field, Integer.MAX_VALUE, value.canConvertToInt());
        } else if (raw == long.class || raw == Long.class) {
            whole(value, field, Long.MAX_VALUE, value.canConvertToLong());
        } else if (raw == double.class || raw == Double.class) {
            if (!value.isNumber()) {
                throw new IllegalArgumentException(field + "must be a number, was " + value);
            }
        } else if (raw == boolean.class || raw == Boolean.class) {
            if (!value.isBoolean()) {
                throw new IllegalArgumentException(field + "must be true or false, was " + value);
            }
        } else if (Collection.class.isAssignableFrom(raw)
                && type.getContentType().getRawClass() == String.class) {
            boolean names = value.isArray();
            for (JsonNode item : value) {
                names &= item.isTextual() && !item.asText().isBlank();
            }
            if (!names) {
                throw new IllegalArgumentException(field + "must be a list of non-blank names, was " + value);
            }
        }
        // Anything else (a map of entries the caller binds one by one) is left to Jackson.
    }

    private static void whole(JsonNode value, String field, long max, boolean fits) {
        if (!value.isIntegralNumber() || !fits) {
            throw new IllegalArgumentException(field + "must be a whole number up to " + max + ", was " + value);
        }
    }
}
