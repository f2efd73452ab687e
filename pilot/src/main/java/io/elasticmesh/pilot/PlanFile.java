package io.elasticmesh.pilot;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.elasticmesh.conversation.TokenPrice;
import io.elasticmesh.edge.StrictYaml;
import io.elasticmesh.pilot.Plan.Budget;
import io.elasticmesh.pilot.Plan.Dataset;
import io.elasticmesh.pilot.Plan.Grading;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a pilot plan (format: README "Pilot", examples in {@code pilot/plans/}). Strict as the tier file: an unknown
 * field, a missing one or a value of the wrong kind is refused, and every error names the file, the entry and the
 * field ({@link StrictYaml}).
 */
public final class PlanFile {

    /** Requests in flight at once: far above what one router admits per tier. */
    private static final int MAX_CONCURRENCY = 256;

    @JsonNaming(PropertyNamingStrategies.KebabCaseStrategy.class)
    private record PlanYaml(
            @JsonProperty(required = true) String name,
            @JsonProperty(required = true) JsonNode datasets,
            @JsonProperty(required = true) List<String> tiers,
            JsonNode budgets,
            JsonNode grid,
            @JsonProperty(required = true) JsonNode baseline,
            Integer samples,
            Double temperature,
            Double topP,
            Long seed,
            Integer concurrency,
            Double margin,
            JsonNode prices) {}

    @JsonNaming(PropertyNamingStrategies.KebabCaseStrategy.class)
    private record DatasetYaml(
            @JsonProperty(required = true) String name,
            @JsonProperty(required = true) String file,
            @JsonProperty(required = true) String grading,
            Integer limit,
            String instruction) {}

    private record BudgetYaml(
            @JsonProperty(required = true) int thinking,
            @JsonProperty(required = true) int solution) {}

    private record GridYaml(
            @JsonProperty(required = true) JsonNode thinking,
            @JsonProperty(required = true) JsonNode solution) {}

    @JsonNaming(PropertyNamingStrategies.KebabCaseStrategy.class)
    private record PriceYaml(
            String currency,
            Double promptPerMillion,
            Double generatedPerMillion,
            Double gpuHour,
            Double generatedTokensPerSecond) {}

    private PlanFile() {}

    /**
     * @throws IllegalArgumentException naming the file, the entry and the field
     */
    public static Plan load(Path file) {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
        }
        try {
            return parse(content, file.toAbsolutePath().getParent());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** The plan in {@code content}; dataset files resolve against {@code dir}. */
    static Plan parse(byte[] content, Path dir) {
        JsonNode root = StrictYaml.tree(content);
        if (root == null) {
            throw new IllegalArgumentException("empty plan");
        }
        PlanYaml plan = StrictYaml.bind(root, PlanYaml.class, "");
        List<Dataset> datasets = new ArrayList<>();
        for (JsonNode node : entries(plan.datasets(), "datasets")) {
            datasets.add(dataset(node, "datasets[" + datasets.size() + "]", dir));
        }
        if (plan.tiers().isEmpty()) {
            throw new IllegalArgumentException("field 'tiers' must name at least one tier");
        }
        LinkedHashSet<Budget> budgets = new LinkedHashSet<>();
        if (plan.budgets() != null) {
            int i = 0;
            for (JsonNode node : entries(plan.budgets(), "budgets")) {
                budgets.add(budget(node, "budgets[" + i++ + "]"));
            }
        }
        if (plan.grid() != null) {
            GridYaml grid = StrictYaml.bind(plan.grid(), GridYaml.class, "grid");
            for (int t : tokens(grid.thinking(), "grid: field 'thinking'")) {
                for (int s : tokens(grid.solution(), "grid: field 'solution'")) {
                    budgets.add(new Budget(t, s));
                }
            }
        }
        if (budgets.isEmpty()) {
            throw new IllegalArgumentException("no budget points: give 'budgets' and/or 'grid'");
        }
        Budget baseline = budget(plan.baseline(), "baseline");
        int samples = within(plan.samples(), 1, 1, 1024, "samples");
        int concurrency = within(plan.concurrency(), 1, 1, MAX_CONCURRENCY, "concurrency");
        Double temperature = plan.temperature();
        if (temperature != null && (temperature < 0 || temperature > 2)) {
            throw new IllegalArgumentException("field 'temperature' must be 0.0..2.0, was " + temperature);
        }
        Double topP = plan.topP();
        if (topP != null && (topP <= 0 || topP > 1)) {
            throw new IllegalArgumentException("field 'top-p' must be in (0.0, 1.0], was " + topP);
        }
        long seed = plan.seed() == null ? 0 : plan.seed();
        if (seed < 0 || seed + samples - 1 > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(
                    "field 'seed' must leave room for one seed per sample in 0..4294967295, was " + seed);
        }
        double margin = plan.margin() == null ? 0.02 : plan.margin();
        if (margin < 0 || margin >= 1) {
            throw new IllegalArgumentException("field 'margin' must be 0.0..<1.0 (a share of answers), was " + margin);
        }
        Map<String, TokenPrice> prices = new LinkedHashMap<>();
        if (plan.prices() != null) {
            if (!plan.prices().isObject()) {
                throw new IllegalArgumentException("field 'prices' must map model names to prices");
            }
            plan.prices().fields().forEachRemaining(e -> prices.put(e.getKey(), price(e.getValue(), e.getKey())));
        }
        return new Plan(
                plan.name(),
                List.copyOf(datasets),
                List.copyOf(plan.tiers()),
                List.copyOf(budgets),
                baseline,
                samples,
                temperature,
                topP,
                seed,
                concurrency,
                margin,
                Map.copyOf(prices));
    }

    private static List<JsonNode> entries(JsonNode node, String field) {
        if (!node.isArray() || node.isEmpty()) {
            throw new IllegalArgumentException("field '" + field + "' must be a non-empty list");
        }
        List<JsonNode> list = new ArrayList<>();
        node.forEach(list::add);
        return list;
    }

    private static Dataset dataset(JsonNode node, String where, Path dir) {
        DatasetYaml d = StrictYaml.bind(node, DatasetYaml.class, where);
        String at = where + " '" + d.name() + "': ";
        Grading grading;
        try {
            grading = Grading.valueOf(d.grading().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    at + "field 'grading' must be math, exact, choice or none, was '" + d.grading() + "'");
        }
        Path file = dir.resolve(d.file()).normalize();
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(at + "field 'file': no such file " + file);
        }
        String name = file.getFileName().toString();
        if (!name.endsWith(".json") && !name.endsWith(".jsonl")) {
            throw new IllegalArgumentException(at + "field 'file' must be .json or .jsonl, was " + name);
        }
        int limit = within(d.limit(), 0, 0, Integer.MAX_VALUE, at + "field 'limit'");
        return new Dataset(d.name(), file, grading, limit, d.instruction());
    }

    private static Budget budget(JsonNode node, String where) {
        BudgetYaml b = StrictYaml.bind(node, BudgetYaml.class, where);
        within(b.thinking(), 1, 1, Integer.MAX_VALUE, where + ": field 'thinking'");
        within(b.solution(), 1, 1, Integer.MAX_VALUE, where + ": field 'solution'");
        return new Budget(b.thinking(), b.solution());
    }

    private static List<Integer> tokens(JsonNode node, String field) {
        List<Integer> values = new ArrayList<>();
        if (node.isArray() && !node.isEmpty()) {
            for (JsonNode value : node) {
                if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < 1) {
                    values.clear();
                    break;
                }
                values.add(value.asInt());
            }
        }
        if (values.isEmpty()) {
            throw new IllegalArgumentException(field + " must be a non-empty list of token counts >= 1, was " + node);
        }
        return values;
    }

    private static TokenPrice price(JsonNode node, String model) {
        String where = "prices '" + model + "'";
        PriceYaml p = StrictYaml.bind(node, PriceYaml.class, where);
        String currency = p.currency() == null ? "USD" : p.currency();
        boolean perToken = p.promptPerMillion() != null || p.generatedPerMillion() != null;
        boolean perHour = p.gpuHour() != null || p.generatedTokensPerSecond() != null;
        if (perToken == perHour) {
            throw new IllegalArgumentException(where + ": give either prompt-per-million and generated-per-million, "
                    + "or gpu-hour and generated-tokens-per-second");
        }
        if (perToken) {
            double prompt = nonNegative(p.promptPerMillion(), where + ": field 'prompt-per-million'");
            double generated = nonNegative(p.generatedPerMillion(), where + ": field 'generated-per-million'");
            return new TokenPrice(currency, prompt, generated);
        }
        double hour = nonNegative(p.gpuHour(), where + ": field 'gpu-hour'");
        Double rate = p.generatedTokensPerSecond();
        if (rate == null || rate <= 0) {
            throw new IllegalArgumentException(
                    where + ": field 'generated-tokens-per-second' must be a measured rate > 0, was " + rate);
        }
        return new TokenPrice(currency, 0, hour / 3600 / rate * 1e6);
    }

    private static double nonNegative(Double value, String field) {
        if (value == null || value < 0) {
            throw new IllegalArgumentException(field + " must be a number >= 0, was " + value);
        }
        return value;
    }

    private static int within(Integer value, int absent, int min, int max, String field) {
        int v = value == null ? absent : value;
        if (v < min || v > max) {
            String name = field.contains("'") ? field : "field '" + field + "'";
            throw new IllegalArgumentException(name + " must be " + min + ".." + max + ", was " + v);
        }
        return v;
    }
}
