package io.elasticmesh.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What the issue asks of every overlay, and what makes dev-cpu and prod-gpu what they are. */
class MeshDeploymentTests {

    private static final List<String> SERVICES =
            List.of("budget-router", "decoder-service", "solution-service", "audit-service");

    @ParameterizedTest
    @MethodSource(Overlays.ALL)
    void everyServiceIsProbedOnItsManagementPortAndScaledAndProtectedFromDisruption(String overlay) {
        List<HasMetadata> objects = Overlays.objects(overlay);
        for (String name : SERVICES) {
            Container server = Overlays.server(objects, name);
            Map<String, Integer> ports = server.getPorts().stream()
                    .collect(Collectors.toMap(ContainerPort::getName, ContainerPort::getContainerPort));
            Map<String, String> config =
                    Overlays.generated(objects, name + "-config").getData();
            // The kubelet probes /q/health where Quarkus serves it: its management interface, not a client port.
            assertThat(ports).as(name).containsOnlyKeys("grpc", "http", "management");
            assertThat(ports.get("management"))
                    .as(name)
                    .isNotIn(ports.get("grpc"), ports.get("http"))
                    .isEqualTo(Integer.parseInt(config.get("QUARKUS_MANAGEMENT_PORT")));
            assertThat(ports.get("http")).as(name).isEqualTo(Integer.parseInt(config.get("QUARKUS_HTTP_PORT")));
            assertThat(Map.of(
                            "startup", server.getStartupProbe(),
                            "liveness", server.getLivenessProbe(),
                            "readiness", server.getReadinessProbe()))
                    .as(name)
                    .allSatisfy((kind, probe) -> {
                        assertThat(probe.getGrpc()).as(kind).isNull();
                        assertThat(probe.getHttpGet().getPort()).as(kind).isEqualTo(new IntOrString("management"));
                    });
            // Liveness must not restart a pod whose Triton is away: dependency checks are readiness's.
            assertThat(server.getLivenessProbe().getHttpGet().getPath())
                    .as(name)
                    .isEqualTo("/q/health/live");
            assertThat(server.getStartupProbe().getHttpGet().getPath()).as(name).isEqualTo("/q/health/live");
            assertThat(server.getReadinessProbe().getHttpGet().getPath())
                    .as(name)
                    .isEqualTo("/q/health/ready");
            assertThat(Overlays.named(objects, HorizontalPodAutoscaler.class, name)
                            .getSpec()
                            .getScaleTargetRef()
                            .getName())
                    .isEqualTo(name);
            assertThat(Overlays.named(objects, PodDisruptionBudget.class, name)
                            .getSpec()
                            .getMaxUnavailable()
                            .getIntVal())
                    .isEqualTo(1);
        }
        assertThat(Overlays.named(objects, Deployment.class, "triton")
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getLivenessProbe()
                        .getGrpc()
                        .getPort())
                .isEqualTo(8001);
    }

    @ParameterizedTest
    @ValueSource(strings = {"prod-gpu", "prod-gpu-object-storage"})
    void prometheusScrapesTheServicesOnTheirManagementPortOnly(String overlay) {
        List<HasMetadata> objects = Overlays.objects(overlay);
        PodMonitor services = Overlays.named(objects, PodMonitor.class, "elastic-mesh-services");

        assertThat(services.getSpec().getPodMetricsEndpoints()).singleElement().satisfies(endpoint -> {
            assertThat(endpoint.getPort()).isEqualTo("management");
            assertThat(endpoint.getPath()).isEqualTo("/q/metrics");
        });
        // Every one of the four is selected (ManifestChecks checks that each selected pod declares the port).
        assertThat(SERVICES)
                .allSatisfy(name -> assertThat(
                                Selectors.matches(services.getSpec().getSelector(), podLabels(objects, name)))
                        .as(name)
                        .isTrue());
    }

    private static Map<String, String> podLabels(List<HasMetadata> objects, String name) {
        return Workload.in(objects).stream()
                .filter(w -> w.name().equals(name))
                .findFirst()
                .orElseThrow()
                .template()
                .getMetadata()
                .getLabels();
    }

    @ParameterizedTest
    @MethodSource(Overlays.ALL)
    void theTierFileIsOneConfigMapMountedAsADirectorySoTheRouterCanReloadIt(String overlay) {
        List<HasMetadata> objects = Overlays.objects(overlay);
        ConfigMap tiers =
                Overlays.named(objects, ConfigMap.class, "budget-router-tiers"); // no hash suffix: updated in place
        var volume = Overlays.pod(objects, "budget-router").getVolumes().stream()
                .filter(v ->
                        v.getConfigMap() != null && v.getConfigMap().getName().equals("budget-router-tiers"))
                .findFirst()
                .orElseThrow();
        var mount = Overlays.server(objects, "budget-router").getVolumeMounts().stream()
                .filter(m -> m.getName().equals(volume.getName()))
                .findFirst()
                .orElseThrow();
        String tiersFile = routerConfig(objects).getData().get("ROUTER_TIERS_FILE");

        assertThat(tiers.getData()).containsKey("tiers.yaml");
        assertThat(mount.getSubPath()).isNull();
        assertThat(volume.getConfigMap().getItems()).isEmpty();
        assertThat(tiersFile).isEqualTo(mount.getMountPath() + "/tiers.yaml");
    }

    /**
     * Issue 18: the tiers' limits are the model servers', split among the live router replicas (README, "What router
     * replicas share"), so at the HPA's maximum every replica must still get a slot of each.
     */
    @ParameterizedTest
    @MethodSource(Overlays.ALL)
    void everyConcurrencyLimitLeavesEveryRouterReplicaASlotAtTheHpasMaximum(String overlay) throws IOException {
        List<HasMetadata> objects = Overlays.objects(overlay);
        int maxReplicas = Overlays.named(objects, HorizontalPodAutoscaler.class, "budget-router")
                .getSpec()
                .getMaxReplicas();
        JsonNode file = new YAMLMapper()
                .readTree(Overlays.named(objects, ConfigMap.class, "budget-router-tiers")
                        .getData()
                        .get("tiers.yaml"));
        List<Integer> limits = new ArrayList<>();
        // A tier without one has the tier file's default, 8 (README, "Tiers"); the file's defaults to their sum.
        file.get("tiers")
                .forEach(tier -> limits.add(tier.path("max-concurrent-requests").asInt(8)));
        limits.add(file.path("max-concurrent-requests")
                .asInt(limits.stream().mapToInt(Integer::intValue).sum()));

        assertThat(limits).allSatisfy(limit -> assertThat(limit).isGreaterThanOrEqualTo(maxReplicas));
    }

    /** Issue 18: no audit loss on scale-down or rescheduling. */
    @ParameterizedTest
    @MethodSource(Overlays.ALL)
    void eachRouterSpoolsOnAClaimOfItsOwnThatOutlivesThePodAndDrainsBeforeItStops(String overlay) {
        List<HasMetadata> objects = Overlays.objects(overlay);
        StatefulSet router = Overlays.named(objects, StatefulSet.class, "budget-router");
        Container server = Overlays.server(objects, "budget-router");
        var mount = server.getVolumeMounts().stream()
                .filter(m -> m.getName().equals("audit-spool"))
                .findFirst()
                .orElseThrow();
        Map<String, String> config = routerConfig(objects).getData();

        assertThat(router.getSpec().getVolumeClaimTemplates())
                .extracting(c -> c.getMetadata().getName())
                .containsExactly("audit-spool");
        // The claim, not a pod volume of the same name (an emptyDir would shadow it and die with the pod).
        assertThat(router.getSpec().getTemplate().getSpec().getVolumes())
                .extracting(v -> v.getName())
                .doesNotContain("audit-spool");
        assertThat(config.get("ROUTER_AUDIT_SPOOL_DIR")).isEqualTo(mount.getMountPath());
        assertThat(router.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenScaled())
                .isEqualTo("Retain");
        assertThat(router.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenDeleted())
                .isEqualTo("Retain");
        assertThat(Overlays.named(objects, Service.class, router.getSpec().getServiceName())
                        .getSpec()
                        .getClusterIP())
                .isEqualTo("None");
        // Out of the endpoints first, then the requests in flight, then the drain: all within the grace period.
        long preStop = server.getLifecycle().getPreStop().getSleep().getSeconds();
        long shutdown = seconds(config.get("QUARKUS_SHUTDOWN_TIMEOUT"));
        long drain = seconds(config.get("ROUTER_AUDIT_DRAIN_TIMEOUT"));
        assertThat(preStop).isPositive();
        assertThat(drain).isPositive();
        assertThat(router.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
                .isGreaterThan(preStop + shutdown + drain);
    }

    private static long seconds(String duration) {
        assertThat(duration).matches("[0-9]+s");
        return Long.parseLong(duration.substring(0, duration.length() - 1));
    }

    @ParameterizedTest
    @MethodSource(Overlays.ALL)
    void everyTopicTheServicesUseIsAKafkaTopicHere(String overlay) throws IOException {
        // The cluster does not create topics on first use (auto.create.topics.enable: false).
        List<String> topics = Overlays.objects(overlay).stream()
                .filter(KafkaTopic.class::isInstance)
                .map(t -> ((KafkaTopic) t).getSpec().getTopicName())
                .toList();

        assertThat(servicesTopics())
                .isNotEmpty()
                .allSatisfy(topic -> assertThat(topics).contains(topic));
    }

    @ParameterizedTest
    @MethodSource(Overlays.ALL)
    void bothPhasesCanFindEveryTritonPodThroughTheHeadlessService(String overlay) {
        List<HasMetadata> objects = Overlays.objects(overlay);
        Service instances = Overlays.named(objects, Service.class, "triton-instances");
        Deployment triton = Overlays.named(objects, Deployment.class, "triton");

        assertThat(instances.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(triton.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(instances.getSpec().getSelector());
    }

    @ParameterizedTest
    @MethodSource(Overlays.ALL)
    void theCollectorPipelineUsesOnlyComponentsItDefinesAndEnvItIsGiven(String overlay) throws IOException {
        List<HasMetadata> objects = Overlays.objects(overlay);
        JsonNode config = new YAMLMapper()
                .readTree(Overlays.generated(objects, "otel-collector-config")
                        .getData()
                        .get("config.yaml"));
        ConfigMap env = Overlays.generated(objects, "otel-collector-env");

        config.path("service").path("pipelines").forEach(pipeline -> {
            for (String kind : List.of("receivers", "processors", "exporters")) {
                pipeline.path(kind)
                        .forEach(component -> assertThat(config.path(kind).has(component.asText()))
                                .as("%s %s is defined", kind, component.asText())
                                .isTrue());
            }
        });
        assertThat(config.path("service").path("pipelines").has("traces")).isTrue();
        Matcher variables = Pattern.compile("\\$\\{env:([A-Z_]+)}").matcher(config.toString());
        while (variables.find()) {
            assertThat(env.getData()).containsKey(variables.group(1));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = "dev-cpu")
    void devCpuRunsOneOfEverythingOnCpuNodes(String overlay) {
        List<HasMetadata> objects = Overlays.objects(overlay);

        assertThat(objects)
                .filteredOn(HorizontalPodAutoscaler.class::isInstance)
                .map(HorizontalPodAutoscaler.class::cast)
                .allSatisfy(hpa -> assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(1));
        assertThat(Workload.in(objects))
                .allSatisfy(w -> assertThat(w.replicas()).as(w.id()).isIn(null, 1));
        assertThat(Overlays.named(objects, KafkaNodePool.class, "mesh-kafka-nodes")
                        .getSpec()
                        .getReplicas())
                .isEqualTo(1);
        assertThat(objects)
                .filteredOn(KafkaTopic.class::isInstance)
                .map(KafkaTopic.class::cast)
                .hasSizeGreaterThan(1)
                .allSatisfy(topic -> assertThat(topic.getSpec().getReplicas())
                        .as(topic.getMetadata().getName())
                        .isEqualTo(1));
        Container triton = Overlays.named(objects, Deployment.class, "triton")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0);
        assertThat(triton.getResources().getLimits()).doesNotContainKey("nvidia.com/gpu");
        assertThat(triton.getArgs()).contains("--load-model=smollm2", "--load-model=scripted");
    }

    @ParameterizedTest
    @ValueSource(strings = {"prod-gpu", "prod-gpu-object-storage"})
    void prodGpuServesTheVllmModelFromTheConfigMapOnAGpuNode(String overlay) throws IOException {
        List<HasMetadata> objects = Overlays.objects(overlay);
        PodSpec pod = tritonPod(objects);
        Container triton = pod.getContainers().get(0);
        ConfigMap model = Overlays.generated(objects, "triton-vllm-model");
        var repository = volume(pod, "model-repository").getConfigMap();
        JsonNode engineArgs = new ObjectMapper().readTree(model.getData().get("model.json"));

        assertThat(triton.getImage()).matches("nvcr\\.io/nvidia/tritonserver:2[4-9]\\.\\d\\d-vllm-python-py3(@.*)?");
        assertThat(triton.getResources().getRequests()).containsEntry("nvidia.com/gpu", new Quantity("1"));
        assertThat(triton.getResources().getLimits()).containsEntry("nvidia.com/gpu", new Quantity("1"));
        assertThat(pod.getNodeSelector()).containsEntry("nvidia.com/gpu.present", "true");
        assertThat(pod.getTolerations()).anyMatch(t -> t.getKey().equals("nvidia.com/gpu"));
        assertThat(pod.getInitContainers()).extracting(Container::getName).doesNotContain("model-repository");
        assertThat(model.getData().get("config.pbtxt")).contains("backend: \"vllm\"");
        assertThat(engineArgs.path("model").asText()).isNotEmpty();
        assertThat(engineArgs.path("enable_prefix_caching").asBoolean()).isTrue();
        assertThat(engineArgs.path("disable_log_requests").asBoolean())
                .as("vLLM logs no prompts")
                .isTrue();
        var name = Pattern.compile("(?m)^name: \"([^\"]+)\"")
                .matcher(model.getData().get("config.pbtxt"));
        assertThat(name.find()).as("config.pbtxt names its model").isTrue();
        // A ConfigMap volume's ..data and ..<timestamp> entries must not be loaded as models
        // (ProdGpuTritonStartsTests).
        assertThat(triton.getArgs())
                .contains("--model-control-mode=explicit", "--load-model=" + name.group(1))
                .noneMatch(a -> a.equals("--model-control-mode=none") || a.equals("--model-control-mode=poll"));
        // Triton requires the directory to carry the model's name, and the version directory to hold model.json.
        assertThat(repository.getItems())
                .extracting(i -> i.getKey() + "->" + i.getPath())
                .containsExactlyInAnyOrder(
                        "config.pbtxt->" + name.group(1) + "/config.pbtxt",
                        "model.json->" + name.group(1) + "/1/model.json");
        assertThat(Workload.in(objects))
                .filteredOn(w -> w.name().equals("triton"))
                .singleElement()
                .satisfies(w -> assertThat(w.replicas()).isGreaterThan(1));
    }

    @ParameterizedTest
    @ValueSource(strings = "prod-gpu")
    void prodGpuKeepsTheWeightsOnAClaimEveryReplicaShares(String overlay) {
        List<HasMetadata> objects = Overlays.objects(overlay);
        PodSpec pod = tritonPod(objects);
        Volume cache = volume(pod, "hf-cache");
        PersistentVolumeClaim claim = Overlays.named(
                objects,
                PersistentVolumeClaim.class,
                cache.getPersistentVolumeClaim().getClaimName());

        assertThat(claim.getSpec().getAccessModes()).as("the replicas share it").containsExactly("ReadWriteMany");
        assertThat(pod.getContainers().get(0).getEnv())
                .anyMatch(e -> e.getName().equals("HF_HOME")
                        && e.getValue()
                                .startsWith(pod.getContainers().get(0).getVolumeMounts().stream()
                                        .filter(m -> m.getName().equals("hf-cache"))
                                        .findFirst()
                                        .orElseThrow()
                                        .getMountPath()));
    }

    @ParameterizedTest
    @ValueSource(strings = "prod-gpu-object-storage")
    void theObjectStorageVariantCopiesTheWeightsIntoThePodAndNeverReachesTheHub(String overlay) {
        List<HasMetadata> objects = Overlays.objects(overlay);
        PodSpec pod = tritonPod(objects);
        Volume cache = volume(pod, "hf-cache");
        Container copy = pod.getInitContainers().stream()
                .filter(c -> c.getName().equals("weights"))
                .findFirst()
                .orElseThrow();

        assertThat(cache.getEmptyDir()).isNotNull();
        assertThat(cache.getPersistentVolumeClaim()).isNull();
        assertThat(objects).noneMatch(PersistentVolumeClaim.class::isInstance);
        assertThat(copy.getVolumeMounts()).anyMatch(m -> m.getName().equals("hf-cache"));
        assertThat(copy.getArgs()).first().isEqualTo("copy");
        assertThat(pod.getContainers().get(0).getEnv())
                .anyMatch(e ->
                        e.getName().equals("HF_HUB_OFFLINE") && e.getValue().equals("1"));
    }

    private static PodSpec tritonPod(List<HasMetadata> objects) {
        return Overlays.named(objects, Deployment.class, "triton")
                .getSpec()
                .getTemplate()
                .getSpec();
    }

    private static Volume volume(PodSpec pod, String name) {
        return pod.getVolumes().stream()
                .filter(v -> v.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name));
    }

    private static ConfigMap routerConfig(List<HasMetadata> objects) {
        return Overlays.generated(objects, "budget-router-config");
    }

    /** The topics of every SmallRye channel in the services' application.properties (test profiles aside). */
    private static List<String> servicesTopics() throws IOException {
        List<String> topics = new ArrayList<>();
        for (String module : SERVICES) {
            Properties properties = new Properties();
            Path file = Overlays.K8S.getParent().resolve(module).resolve("src/main/resources/application.properties");
            try (var in = Files.newBufferedReader(file)) {
                properties.load(in);
            }
            properties.stringPropertyNames().stream()
                    .filter(key -> key.matches("mp\\.messaging\\.(incoming|outgoing)\\.[^.]+\\.topic"))
                    .map(properties::getProperty)
                    .forEach(topics::add);
        }
        return topics;
    }
}
