package io.elasticmesh.inference.profile;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.elasticmesh.conversation.Turn;
import io.elasticmesh.edge.DomainException;
import io.elasticmesh.edge.Echo;
import io.elasticmesh.edge.StrictYaml;
import io.elasticmesh.inference.triton.TritonContract;
import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The served models' profiles, read from YAML: named chat templates (inline {@code source}, or a classpath
 * {@code resource} such as the shipped {@code chat-templates/*.jinja}), then one profile per mesh model name. The
 * mesh ships {@code model-profiles.yaml}; ops may point services at their own file. Read as strictly as every YAML
 * file of the mesh ({@link StrictYaml}): an unknown or misspelt field is an error naming the model or template.
 */
public final class ModelProfiles {

    /** The profiles that ship with the mesh. */
    public static final String BUILT_IN = "model-profiles.yaml";

    private final Map<String, ModelProfile> byName;

    private ModelProfiles(Map<String, ModelProfile> byName) {
        this.byName = Map.copyOf(byName);
    }

    public Optional<ModelProfile> find(String modelName) {
        return Optional.ofNullable(byName.get(modelName));
    }

    /** @throws DomainException NOT_FOUND naming the known models when {@code modelName} has no profile */
    public ModelProfile require(String modelName) {
        return find(modelName)
                .orElseThrow(() -> new DomainException(
                        Status.Code.NOT_FOUND,
                        "model '" + Echo.bounded(modelName) + "' has no profile; known: " + names()));
    }

    public Set<String> names() {
        return new TreeSet<>(byName.keySet());
    }

    /** Loads {@code path}, or the built-in profiles when the path is empty. */
    public static ModelProfiles load(Optional<Path> path) {
        try (InputStream in = path.isPresent()
                ? Files.newInputStream(path.get())
                : ModelProfiles.class.getClassLoader().getResourceAsStream(BUILT_IN)) {
            if (in == null) {
                throw new IllegalStateException(BUILT_IN + " is missing from the classpath");
            }
            return parse(in, path.map(Path::toString).orElse(BUILT_IN));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model profiles " + path.orElse(Path.of(BUILT_IN)), e);
        }
    }

    static ModelProfiles parse(InputStream in, String source) throws IOException {
        JsonNode root;
        try {
            root = StrictYaml.tree(in.readAllBytes());
        } catch (IllegalArgumentException invalid) {
            throw new IllegalArgumentException(source + ": " + invalid.getMessage(), invalid);
        }
        ProfilesFile file = StrictYaml.bind(root, ProfilesFile.class, source);
        Map<String, TemplateEntry> templates = new TreeMap<>();
        file.templates()
                .forEach((name, node) -> templates.put(
                        name, StrictYaml.bind(node, TemplateEntry.class, source + ": template '" + name + "'")));
        Map<String, ModelProfile> profiles = new TreeMap<>();
        file.models().forEach((name, node) -> {
            ModelEntry entry = StrictYaml.bind(node, ModelEntry.class, source + ": model '" + name + "'");
            TemplateEntry template = templates.get(entry.template());
            if (template == null) {
                throw new IllegalArgumentException(
                        source + ": model '" + name + "' names unknown template '" + entry.template() + "'");
            }
            if (entry.backendAddsBos() && template.bosToken() == null) {
                throw new IllegalArgumentException(source + ": model '" + name
                        + "': backendAddsBos needs the bosToken of template '" + entry.template() + "'");
            }
            ModelProfile profile;
            try {
                profile = new ModelProfile(
                        name,
                        entry.tritonModel(),
                        TritonContract.named(entry.contract() == null ? "vllm" : entry.contract()),
                        new ChatTemplate(entry.template(), template.text(), template.bosToken(), template.eosToken()),
                        entry.thinkingStart(),
                        entry.thinkingEnd(),
                        entry.templateOpensThinking(),
                        entry.solutionPrefix() == null ? "" : entry.solutionPrefix(),
                        entry.temperature(),
                        entry.backendAddsBos(),
                        entry.contextWindowTokens(),
                        entry.closingTokens() == null ? 1 : entry.closingTokens());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(source + ": model '" + name + "': " + e.getMessage(), e);
            }
            // Render once now: a broken template fails start-up, not the first request, and the engine is warm.
            try {
                profile.thinkingPrompt(List.of(new Turn(Turn.Role.USER, "ping")));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(source + ": model '" + name + "': " + e.getMessage(), e);
            }
            if (profile.contextWindowTokens() < 1 || profile.closingTokens() < 1) {
                throw new IllegalArgumentException(source + ": model '" + name + "': contextWindowTokens (the "
                        + "model's maximum context length, e.g. vLLM's max_model_len) must be set and closingTokens, "
                        + "when set, must be at least 1");
            }
            profiles.put(name, profile);
        });
        return new ModelProfiles(profiles);
    }

    /** Entries are bound one by one, so that an error names its template or model. */
    record ProfilesFile(
            @JsonProperty(required = true) Map<String, JsonNode> templates,
            @JsonProperty(required = true) Map<String, JsonNode> models) {}

    /** A template given inline ({@code source}) or as a classpath resource ({@code resource}), not both. */
    record TemplateEntry(String source, String resource, String bosToken, String eosToken) {

        String text() {
            if ((source == null) == (resource == null)) {
                throw new IllegalArgumentException("a template needs exactly one of 'source' and 'resource'");
            }
            if (source != null) {
                return source;
            }
            try (InputStream in = ModelProfiles.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalArgumentException("template resource '" + resource + "' is not on the classpath");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read template resource " + resource, e);
            }
        }
    }

    /**
     * @param contract {@code vllm} (the default) or {@code tensorrt-llm}
     * @param backendAddsBos whether the backend puts the tokenizer's BOS in front of the prompt (default false)
     * @param closingTokens default 1
     */
    record ModelEntry(
            @JsonProperty(required = true) String tritonModel,
            String contract,
            @JsonProperty(required = true) String template,
            @JsonProperty(required = true) String thinkingStart,
            @JsonProperty(required = true) String thinkingEnd,
            boolean templateOpensThinking,
            String solutionPrefix,
            double temperature,
            boolean backendAddsBos,
            int contextWindowTokens,
            Integer closingTokens) {}
}
