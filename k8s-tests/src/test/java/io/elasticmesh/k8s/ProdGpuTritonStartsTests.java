package io.elasticmesh.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * prod-gpu's Triton flags on a model repository laid out exactly as Kubernetes mounts its ConfigMap volume, run on
 * the real {@code tritonserver} (the CPU build {@code ./mesh setup} installs, through {@code triton/launch.py}). The
 * volume's files live in a {@code ..<timestamp>} directory, {@code ..data} links to it, and each top-level entry
 * links through {@code ..data}; Triton lists every entry but {@code .} and {@code ..}. The vLLM model is stood in for
 * by the CPU {@code scripted} model under the same name (the vLLM backend is part of the GPU image, not the volume).
 */
class ProdGpuTritonStartsTests {

    private static final Path TRITON = Overlays.K8S.getParent().resolve("triton");
    private static final String VOLUME_WRITE = "..2026_12_02_13_55_00.123456789";
    /** Flags launch.py sets per machine: the repository path and the ports. */
    private static final List<String> PER_MACHINE =
            List.of("--model-repository", "--http-port", "--grpc-port", "--metrics-port");

    @TempDir
    Path work;

    @Test
    void theOverlaysFlagsStartTritonOnTheConfigMapLayoutAndItServesTheModel() throws Exception {
        Deployment triton = tritonOf("prod-gpu");
        List<String> flags = serverFlags(triton);
        Path repository = configMapVolume(triton, Overlays.objects("prod-gpu"));
        String model = loadedModel(flags);

        int http = freePort();
        Process server = launch(repository, flags, model, http, "explicit.log");
        try {
            assertThat(readyLine(server))
                    .as("see " + work.resolve("explicit.log"))
                    .startsWith("TRITON READY");
            JsonNode answer = generate(http, model, "[[script answer=2]]");
            assertThat(answer.path("text_output").asText()).isEqualTo("answer1 answer2 ");
        } finally {
            server.destroy();
            assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void withoutExplicitModelControlTritonTriesToLoadTheVolumesHiddenEntriesAndExits() throws Exception {
        Deployment triton = tritonOf("prod-gpu");
        List<String> flags = new ArrayList<>(serverFlags(triton).stream()
                .filter(f -> !f.startsWith("--model-control-mode=") && !f.startsWith("--load-model="))
                .toList());
        flags.add("--model-control-mode=none");
        Path repository = configMapVolume(triton, Overlays.objects("prod-gpu"));

        Process server = launch(repository, flags, loadedModel(serverFlags(triton)), freePort(), "none.log");
        String ready = readyLine(server);
        assertThat(server.waitFor(120, TimeUnit.SECONDS)).isTrue();

        assertThat(ready).isNull();
        assertThat(server.exitValue()).isNotZero();
        assertThat(Files.readString(work.resolve("none.log")))
                .contains(
                        "failed to load model '..data'",
                        "failed to load model '" + VOLUME_WRITE + "'",
                        "failed to load all models");
    }

    private static Deployment tritonOf(String overlay) {
        return Overlays.named(Overlays.objects(overlay), Deployment.class, "triton");
    }

    /** The Triton container's flags as the manifest sets them, without those launch.py sets per machine. */
    private static List<String> serverFlags(Deployment triton) {
        return triton.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs().stream()
                .filter(f -> PER_MACHINE.stream().noneMatch(p -> f.startsWith(p + "=")))
                .toList();
    }

    private static String loadedModel(List<String> flags) {
        return flags.stream()
                .filter(f -> f.startsWith("--load-model="))
                .map(f -> f.substring(13))
                .findFirst()
                .orElseThrow(() -> new AssertionError("the manifest names no --load-model: " + flags));
    }

    /**
     * The model-repository volume as the kubelet writes a ConfigMap volume (its atomic writer): every item under
     * the timestamped directory, {@code ..data} pointing at it, and a link per top-level entry. Each item is the
     * ConfigMap's own file, except config.pbtxt, which is the stand-in's (its {@code name} set to the directory's),
     * whose Python files go next to it.
     */
    private Path configMapVolume(Deployment triton, List<HasMetadata> objects) throws IOException {
        PodSpec pod = triton.getSpec().getTemplate().getSpec();
        var volume = pod.getVolumes().stream()
                .filter(v -> v.getName().equals("model-repository"))
                .findFirst()
                .orElseThrow()
                .getConfigMap();
        ConfigMap map = objects.stream()
                .filter(o -> o instanceof ConfigMap && o.getMetadata().getName().equals(volume.getName()))
                .map(ConfigMap.class::cast)
                .findFirst()
                .orElseThrow();
        Path root = Files.createDirectories(work.resolve("models"));
        Path written = root.resolve(VOLUME_WRITE);
        Set<String> topLevel = new LinkedHashSet<>();
        for (var item : volume.getItems()) {
            Path file = written.resolve(item.getPath());
            Files.createDirectories(file.getParent());
            String modelDir = item.getPath().split("/")[0];
            topLevel.add(modelDir);
            String content = map.getData().get(item.getKey());
            if (item.getKey().equals("config.pbtxt")) {
                content = Files.readString(TRITON.resolve("models/scripted/config.pbtxt"))
                        .replaceFirst("(?m)^name: \"scripted\"", "name: \"" + modelDir + "\"");
                Path code = Files.createDirectories(file.resolveSibling("1"));
                Files.copy(TRITON.resolve("models/scripted/1/model.py"), code.resolve("model.py"));
                for (String shared : List.of("scripted_engine.py", "vllm_contract.py")) {
                    Files.copy(TRITON.resolve("models/_shared").resolve(shared), code.resolve(shared));
                }
            }
            Files.writeString(file, content);
        }
        Files.createSymbolicLink(root.resolve("..data"), Path.of(VOLUME_WRITE));
        for (String entry : topLevel) {
            Files.createSymbolicLink(root.resolve(entry), Path.of("..data", entry));
        }
        try (Stream<Path> entries = Files.list(root)) {
            assertThat(entries.map(p -> p.getFileName().toString()))
                    .as("Triton lists these")
                    .contains("..data", VOLUME_WRITE)
                    .containsAll(topLevel);
        }
        return root;
    }

    private Process launch(Path repository, List<String> flags, String model, int httpPort, String log)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(
                python().toString(),
                TRITON.resolve("launch.py").toString(),
                "--grpc-port",
                String.valueOf(freePort()),
                "--http-port",
                String.valueOf(httpPort),
                "--metrics-port",
                String.valueOf(freePort()),
                "--models",
                model,
                "--model-repository",
                repository.toString(),
                "--workdir",
                work.resolve("server").toString(),
                "--log",
                work.resolve(log).toString(),
                "--timeout",
                "120"));
        flags.forEach(flag -> command.add("--server-arg=" + flag));
        return new ProcessBuilder(command)
                .redirectError(work.resolve("launch.err").toFile())
                .start();
    }

    /** The launcher's READY line, or null when it exits first. */
    private static String readyLine(Process launcher) throws IOException {
        var out = launcher.inputReader(StandardCharsets.UTF_8);
        return out.readLine();
    }

    private static JsonNode generate(int httpPort, String model, String prompt) throws Exception {
        ObjectMapper json = new ObjectMapper();
        String body = json.createObjectNode()
                .put("text_input", prompt)
                .put("stream", false)
                .put("exclude_input_in_output", true)
                .put("sampling_parameters", "{\"max_tokens\": 10}")
                .toString();
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(
                                        "http://127.0.0.1:" + httpPort + "/v2/models/" + model + "/generate"))
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    /** The venv {@code ./mesh setup} made: MESH_PYTHON, else the venv under MESH_CACHE (~/.cache/elastic-mesh). */
    private static Path python() {
        String explicit = System.getenv("MESH_PYTHON");
        String cache = System.getenv("MESH_CACHE");
        Path python = explicit != null && !explicit.isBlank()
                ? Path.of(explicit)
                : (cache != null && !cache.isBlank()
                                ? Path.of(cache)
                                : Path.of(System.getProperty("user.home"), ".cache", "elastic-mesh"))
                        .resolve("venv/bin/python");
        if (!Files.isExecutable(python)) {
            throw new IllegalStateException("no Triton venv at " + python + ": run ./mesh setup, or set MESH_PYTHON");
        }
        return python;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
