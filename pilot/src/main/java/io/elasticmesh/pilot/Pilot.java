package io.elasticmesh.pilot;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.elasticmesh.conversation.TokenPrice;
import io.elasticmesh.pilot.Plan.Grading;
import io.elasticmesh.proto.reasoning.v1.ReasonRequest;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** A plan with its items, and the three things done with it: a dry run, a (resumed) run, a report. */
public final class Pilot {

    /** Characters per token for the dry run's prompt estimate (English and LaTeX, BPE tokenizers). */
    private static final double CHARS_PER_TOKEN = 4.0;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path planFile;
    private final Plan plan;
    private final List<Item> items;

    private Pilot(Path planFile, Plan plan, List<Item> items) {
        this.planFile = planFile;
        this.plan = plan;
        this.items = items;
    }

    /** @throws IllegalArgumentException naming the file, the entry and the field */
    public static Pilot load(Path planFile) {
        Plan plan = PlanFile.load(planFile);
        List<Item> items = new ArrayList<>();
        plan.datasets().forEach(d -> items.addAll(Datasets.load(d)));
        return new Pilot(planFile, plan, List.copyOf(items));
    }

    public Plan plan() {
        return plan;
    }

    public List<Task> tasks() {
        return Tasks.of(plan, items);
    }

    /** The results file of a run into {@code dir}, with the plan's fingerprint beside it. */
    public ResultLog results(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path stamp = dir.resolve("plan.sha256");
        String mine = fingerprint();
        if (Files.exists(stamp)) {
            String theirs = Files.readString(stamp).strip();
            if (!theirs.equals(mine)) {
                throw new IllegalArgumentException(dir + " holds the results of another plan (or of this plan before "
                        + "it was edited): give another --out, or delete " + dir);
            }
        } else {
            Files.writeString(stamp, mine + "\n");
        }
        return ResultLog.open(dir.resolve("results.jsonl"));
    }

    /** Prints every request the run would send (a JSON line each) then the totals and their estimated cost. */
    public void dryRun(String tenant, PrintWriter out) throws IOException {
        List<Task> tasks = tasks();
        long prompt = 0;
        long generated = 0;
        for (Task task : tasks) {
            ReasonRequest r = Requests.of(plan, task, tenant);
            long chars = r.getMessagesList().stream()
                    .mapToLong(m -> m.getContent().length())
                    .sum();
            long promptTokens = Math.round(chars / CHARS_PER_TOKEN);
            prompt += promptTokens;
            generated += (long) task.budget().thinkingTokens() + task.budget().solutionTokens();
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("key", task.key());
            line.put("tier", r.getTier());
            line.put("thinking_budget_tokens", r.getThinkingBudgetTokens());
            line.put("solution_budget_tokens", r.getSolutionBudgetTokens());
            line.put("clamp_budgets", r.getClampBudgets());
            if (r.getSampling().hasTemperature()) {
                line.put("temperature", r.getSampling().getTemperature());
            }
            if (r.getSampling().hasTopP()) {
                line.put("top_p", r.getSampling().getTopP());
            }
            line.put("seed", Integer.toUnsignedLong(r.getSampling().getSeed()));
            line.put("estimated_prompt_tokens", promptTokens);
            out.println(JSON.writeValueAsString(line));
        }
        out.printf(
                Locale.ROOT,
                "%d requests (%d items x %d tiers x %d samples x %d budget points + baseline); estimated tokens: "
                        + "prompt ~%d (characters / %.0f), generated at most %d (t + s each; the baseline's t before "
                        + "the router lowers it to the tier's ceiling)%n",
                tasks.size(),
                items.size(),
                plan.tiers().size(),
                plan.samples(),
                plan.budgets().size(),
                prompt,
                CHARS_PER_TOKEN,
                generated);
        for (Map.Entry<String, TokenPrice> e : plan.prices().entrySet()) {
            out.printf(
                    Locale.ROOT,
                    "estimated cost at most %.4f %s if every tier serves %s%n",
                    e.getValue().of(prompt, generated),
                    e.getValue().currency(),
                    e.getKey());
        }
        out.flush();
    }

    /** Sends what {@code log} does not hold yet. */
    public Runner.Result run(Runner runner, ResultLog log) throws InterruptedException {
        return runner.run(tasks(), log);
    }

    /** A runner for this plan through {@code router}. */
    public Runner runner(String tenant, Function<ReasonRequest, ReasonResponse> router, PrintWriter progress) {
        return new Runner(plan, tenant, router, progress);
    }

    /** Grades what {@code log} holds and computes the report. */
    public Report report(ResultLog log, MathVerify mathVerify) {
        Map<String, Item> byKey = new LinkedHashMap<>();
        items.forEach(i -> byKey.put(i.key(), i));
        Map<String, Grading> grading = new LinkedHashMap<>();
        plan.datasets().forEach(d -> grading.put(d.name(), d.grading()));
        List<Outcome> outcomes =
                log.outcomes().stream().filter(o -> byKey.containsKey(o.item())).toList();
        Grader.Grades grades = new Grader(mathVerify).grade(byKey, grading, outcomes);
        return Report.of(plan, Summaries.of(plan, outcomes, grades));
    }

    private String fingerprint() throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(Files.readAllBytes(planFile));
            for (Plan.Dataset d : plan.datasets()) {
                sha.update(d.file().toString().getBytes(StandardCharsets.UTF_8));
                sha.update(Files.readAllBytes(d.file()));
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
