package io.elasticmesh.pilot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Hugging Face Math-Verify, run as {@code pilot/grade.py} in the project's Python venv: one process per batch,
 * pairs in and verdicts out over stdin/stdout JSON lines.
 */
public final class MathVerify {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path python;
    private final Path script;

    /** One comparison: {@code gold} is a reference answer, or (goldIsAnswer false) a solution text. */
    public record Pair(String gold, boolean goldIsAnswer, String answer) {}

    public MathVerify(Path python, Path script) {
        this.python = python;
        this.script = script;
    }

    /** The venv {@code triton/setup.sh} makes ($MESH_CACHE, else ~/.cache/elastic-mesh) and the checkout's script. */
    public static MathVerify of(Map<String, String> env, Path root) {
        String cache = env.getOrDefault("MESH_CACHE", System.getProperty("user.home") + "/.cache/elastic-mesh");
        return new MathVerify(
                Path.of(cache, "venv", "bin", "python"), root.resolve("pilot").resolve("grade.py"));
    }

    /** Whether each pair's answer is equivalent to its gold, in order. */
    public List<Boolean> equal(List<Pair> pairs) {
        if (pairs.isEmpty()) {
            return List.of();
        }
        if (!Files.isExecutable(python) || !Files.isRegularFile(script)) {
            throw new IllegalStateException("Math-Verify needs " + python + " (./mesh setup makes it) and " + script);
        }
        try {
            Process process = new ProcessBuilder(python.toString(), script.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            // Written from another thread: the script answers line by line, and both pipes are bounded.
            CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                try (BufferedWriter in =
                        new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8))) {
                    for (int i = 0; i < pairs.size(); i++) {
                        Pair p = pairs.get(i);
                        in.write(JSON.writeValueAsString(Map.of(
                                "id", String.valueOf(i),
                                "gold", p.gold(),
                                "gold_is_answer", p.goldIsAnswer(),
                                "answer", p.answer())));
                        in.write('\n');
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            List<Boolean> verdicts = new ArrayList<>();
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    JsonNode verdict = JSON.readTree(line);
                    if (!verdict.path("id").asText().equals(String.valueOf(verdicts.size()))) {
                        throw new IllegalStateException("grade.py answered out of order: " + line);
                    }
                    verdicts.add(verdict.path("equal").asBoolean());
                }
            }
            writing.join();
            int exit = process.waitFor();
            if (exit != 0 || verdicts.size() != pairs.size()) {
                throw new IllegalStateException(
                        "grade.py exited " + exit + " after " + verdicts.size() + " of " + pairs.size() + " verdicts");
            }
            return verdicts;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + script + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while grading", e);
        }
    }
}
