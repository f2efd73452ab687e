package io.elasticmesh.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/** The overlays under k8s/overlays, each rendered once per test run with the pinned kustomize. */
final class Overlays {

    static final Path K8S =
            Path.of(System.getProperty("mesh.root", "..")).resolve("k8s").normalize();

    /** Secrets each overlay leaves to the platform's secret store (k8s/README.md, "Secrets"). */
    private static final Set<String> PROD_SECRETS = Set.of(
            "budget-router-principals",
            "budget-router-audit-key",
            "audit-service-principals",
            "audit-db",
            "audit-db-service",
            "budget-router-db",
            "audit-service-keys");

    static final Map<String, Set<String>> PLATFORM_SECRETS = Map.of(
            "prod-gpu", PROD_SECRETS, "prod-gpu-object-storage", union(PROD_SECRETS, Set.of("triton-weights-rclone")));

    /** {@code @MethodSource} for tests that run once per overlay. */
    static final String ALL = "io.elasticmesh.k8s.Overlays#names";

    private static final Map<String, String> RENDERED = new ConcurrentHashMap<>();

    private Overlays() {}

    /** Every overlay directory: a new overlay is validated without touching the tests. */
    static Stream<String> names() {
        try (Stream<Path> dirs = Files.list(K8S.resolve("overlays"))) {
            return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String yaml(String overlay) {
        return RENDERED.computeIfAbsent(
                overlay, o -> Kustomize.pinned().build(K8S.resolve("overlays").resolve(o)));
    }

    static List<HasMetadata> objects(String overlay) {
        return TypedManifests.load(yaml(overlay));
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).collect(java.util.stream.Collectors.toSet());
    }

    static Set<String> platformSecrets(String overlay) {
        return PLATFORM_SECRETS.getOrDefault(overlay, Set.of());
    }

    /** A ConfigMap from configMapGenerator, by its name before kustomize's hash suffix. */
    static ConfigMap generated(List<HasMetadata> objects, String name) {
        return objects.stream()
                .filter(o -> o instanceof ConfigMap && o.getMetadata().getName().startsWith(name + "-"))
                .map(ConfigMap.class::cast)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no ConfigMap " + name));
    }

    /** The pod spec of workload {@code name} (a Deployment, or the router's StatefulSet). */
    static PodSpec pod(List<HasMetadata> objects, String name) {
        return Workload.in(objects).stream()
                .filter(w -> w.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no workload " + name))
                .template()
                .getSpec();
    }

    /** The first (the server's) container of workload {@code name}. */
    static Container server(List<HasMetadata> objects, String name) {
        return pod(objects, name).getContainers().get(0);
    }

    @SuppressWarnings("unchecked")
    static <T extends HasMetadata> T named(List<HasMetadata> objects, Class<T> type, String name) {
        return (T) objects.stream()
                .filter(o -> type.isInstance(o) && o.getMetadata().getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
    }
}
