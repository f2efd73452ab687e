package io.elasticmesh.pilot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.elasticmesh.pilot.Item.Message;
import io.elasticmesh.pilot.Plan.Dataset;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a dataset: the benchmark files' JSON arrays ({@code problem}, {@code answer} as text, number or list, an
 * optional {@code unique_id} or {@code id}) or a user's JSONL (one object a line: {@code id}, {@code messages} or
 * {@code problem}, optional {@code answer}). Errors name the file, the line or entry, and the field.
 */
public final class Datasets {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ROLES = Set.of("system", "user", "assistant");

    private Datasets() {}

    public static List<Item> load(Dataset dataset) {
        String file = dataset.file().toString();
        List<JsonNode> entries = new ArrayList<>();
        List<String> where = new ArrayList<>();
        try {
            if (file.endsWith(".jsonl")) {
                List<String> lines = Files.readAllLines(dataset.file());
                for (int i = 0; i < lines.size(); i++) {
                    if (lines.get(i).isBlank()) {
                        continue;
                    }
                    try {
                        entries.add(JSON.readTree(lines.get(i)));
                    } catch (IOException e) {
                        throw new IllegalArgumentException(file + " line " + (i + 1) + ": not valid JSON", e);
                    }
                    where.add(file + " line " + (i + 1));
                }
            } else {
                JsonNode array = JSON.readTree(dataset.file().toFile());
                if (array == null || !array.isArray()) {
                    throw new IllegalArgumentException(file + ": expected a JSON array of items");
                }
                for (int i = 0; i < array.size(); i++) {
                    entries.add(array.get(i));
                    where.add(file + " entry " + i);
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
        }
        int count = dataset.limit() == 0 ? entries.size() : Math.min(dataset.limit(), entries.size());
        List<Item> items = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < count; i++) {
            Item item = item(dataset, entries.get(i), i, where.get(i));
            if (!ids.add(item.id())) {
                throw new IllegalArgumentException(where.get(i) + ": field 'id' repeats '" + item.id() + "'");
            }
            items.add(item);
        }
        if (items.isEmpty()) {
            throw new IllegalArgumentException(file + ": no items");
        }
        return List.copyOf(items);
    }

    private static Item item(Dataset dataset, JsonNode node, int index, String where) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + ": expected an object");
        }
        String id = text(node, "id", where, false);
        if (id == null) {
            id = text(node, "unique_id", where, false);
        }
        if (id == null) {
            id = String.valueOf(index);
        }
        List<Message> messages = new ArrayList<>();
        JsonNode given = node.get("messages");
        if (given != null) {
            if (node.has("problem")) {
                throw new IllegalArgumentException(where + ": give 'messages' or 'problem', not both");
            }
            if (!given.isArray() || given.isEmpty()) {
                throw new IllegalArgumentException(where + ": field 'messages' must be a non-empty list");
            }
            for (int i = 0; i < given.size(); i++) {
                String at = where + ": messages[" + i + "]";
                JsonNode m = given.get(i);
                String role = text(m, "role", at, true);
                if (!ROLES.contains(role)) {
                    throw new IllegalArgumentException(
                            at + ": field 'role' must be system, user or assistant, was '" + role + "'");
                }
                messages.add(new Message(role, text(m, "content", at, true)));
            }
        } else {
            String problem = text(node, "problem", where, true);
            String prompt = dataset.instruction() == null ? problem : problem + " " + dataset.instruction();
            messages.add(new Message("user", prompt));
        }
        List<String> answers = new ArrayList<>();
        JsonNode answer = node.get("answer");
        if (answer != null && !answer.isNull()) {
            for (JsonNode a : answer.isArray() ? answer : List.of(answer)) {
                if (!(a.isTextual() || a.isNumber()) || a.asText().isBlank()) {
                    throw new IllegalArgumentException(
                            where + ": field 'answer' must be text, a number or a list of them");
                }
                answers.add(number(a));
            }
        }
        if (answers.isEmpty() && dataset.grading() != Plan.Grading.NONE) {
            throw new IllegalArgumentException(where + ": field 'answer' is missing, and dataset '" + dataset.name()
                    + "' is graded " + dataset.grading().name().toLowerCase(java.util.Locale.ROOT));
        }
        return new Item(dataset.name(), id, List.copyOf(messages), List.copyOf(answers));
    }

    /** A number as people write it: AMC's 12.0 is the answer 12. */
    private static String number(JsonNode a) {
        if (a.isNumber() && a.asDouble() == Math.rint(a.asDouble()) && Math.abs(a.asDouble()) < 1e15) {
            return String.valueOf((long) a.asDouble());
        }
        return a.asText();
    }

    private static String text(JsonNode node, String field, String where, boolean required) {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new IllegalArgumentException(where + ": missing field '" + field + "'");
            }
            return null;
        }
        if (!(value.isTextual() || value.isIntegralNumber()) || value.asText().isBlank()) {
            throw new IllegalArgumentException(where + ": field '" + field + "' must be non-blank text");
        }
        return value.asText();
    }
}
