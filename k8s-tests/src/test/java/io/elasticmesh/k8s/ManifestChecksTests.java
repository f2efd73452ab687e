package io.elasticmesh.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Each cross-reference check catches its own kind of mistake: one defect is put into the real dev-cpu render, and
 * the checks must name it (the clean render has no problems, see OverlaysTests).
 */
class ManifestChecksTests {

    @Test
    void aServiceWhoseSelectorMatchesNoPod() {
        assertThat(problemsAfter(o -> service(o, "decoder-service")
                        .getSpec()
                        .setSelector(Map.of("app.kubernetes.io/name", "decoder"))))
                .contains("Service decoder-service: selector {app.kubernetes.io/name=decoder} matches no pod template");
    }

    @Test
    void aServiceTargetingAPortThePodDoesNotDeclare() {
        assertThat(problemsAfter(
                        o -> service(o, "triton").getSpec().getPorts().get(0).setTargetPort(new IntOrString("grcp"))))
                .contains("Service triton port grpc: targetPort grcp is not declared by Deployment triton");
    }

    @Test
    void aProbeOnAnUndeclaredPort() {
        assertThat(problemsAfter(o -> server(o, "budget-router")
                        .getLivenessProbe()
                        .getHttpGet()
                        .setPort(new IntOrString("managment"))))
                .anyMatch(p -> p.startsWith(
                        "StatefulSet budget-router container server livenessProbe: port managment is not a port"));
    }

    @Test
    void anUnpinnedImage() {
        assertThat(problemsAfter(o -> server(o, "audit-service").setImage("ghcr.io/elastic-mesh/audit-service:latest")))
                .contains("Deployment audit-service container server: image ghcr.io/elastic-mesh/audit-service:latest "
                        + "is not pinned; give it a version tag or a digest");
        assertThat(problemsAfter(o -> server(o, "audit-service").setImage("registry:5000/audit-service")))
                .anyMatch(p -> p.contains("image registry:5000/audit-service is not pinned"));
    }

    @Test
    void aMissingConfigMapSecretOrServiceAccount() {
        assertThat(problemsAfter(o -> server(o, "decoder-service")
                        .getEnvFrom()
                        .get(0)
                        .getConfigMapRef()
                        .setName("decoder-config")))
                .contains(
                        "Deployment decoder-service container server: envFrom ConfigMap decoder-config does not exist");
        assertThat(problemsAfter(o -> server(o, "audit-service")
                        .getEnv()
                        .get(0)
                        .getValueFrom()
                        .getSecretKeyRef()
                        .setKey("user")))
                .anyMatch(p ->
                        p.startsWith("Deployment audit-service container server env AUDIT_DB_USER: Secret audit-db-")
                                && p.endsWith(" has no key user"));
        assertThat(problemsAfter(o -> deployment(o, "triton")
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .setServiceAccountName("inference")))
                .contains("Deployment triton: ServiceAccount inference does not exist");
    }

    @Test
    void aSecretThePlatformProvidesIsNotReportedMissing() {
        List<HasMetadata> prod = Overlays.objects("prod-gpu");

        assertThat(ManifestChecks.check(prod, Set.of()))
                .contains(
                        "StatefulSet budget-router volume principals: Secret budget-router-principals does not exist");
        assertThat(ManifestChecks.check(prod, Overlays.platformSecrets("prod-gpu")))
                .isEmpty();
    }

    @Test
    void aVolumeClaimThatDoesNotExist() {
        List<HasMetadata> prod = new java.util.ArrayList<>(Overlays.objects("prod-gpu"));
        prod.removeIf(o -> o instanceof io.fabric8.kubernetes.api.model.PersistentVolumeClaim);

        assertThat(ManifestChecks.check(prod, Overlays.platformSecrets("prod-gpu")))
                .contains("Deployment triton volume hf-cache: PersistentVolumeClaim triton-hf-cache does not exist");
    }

    @Test
    void anAutoscalerWithoutTargetOrFightingTheReplicaCount() {
        assertThat(problemsAfter(o -> named(o, HorizontalPodAutoscaler.class, "budget-router")
                        .getSpec()
                        .getScaleTargetRef()
                        .setName("router")))
                .contains("HorizontalPodAutoscaler budget-router: scale target StatefulSet router does not exist");
        assertThat(problemsAfter(
                        o -> deployment(o, "solution-service").getSpec().setReplicas(2)))
                .contains("HorizontalPodAutoscaler solution-service: Deployment solution-service sets spec.replicas, "
                        + "which every apply would reset under the autoscaler; leave it out");
    }

    @Test
    void aDisruptionBudgetOrNetworkPolicyThatSelectsNothing() {
        assertThat(problemsAfter(o -> named(o, PodDisruptionBudget.class, "triton")
                        .getSpec()
                        .getSelector()
                        .setMatchLabels(Map.of("app", "triton"))))
                .contains("PodDisruptionBudget triton: selector matches no pod template");
        assertThat(problemsAfter(o -> named(o, NetworkPolicy.class, "triton-from-phases")
                        .getSpec()
                        .getIngress()
                        .get(0)
                        .getPorts()
                        .get(0)
                        .setPort(new IntOrString("http-grpc"))))
                .contains("NetworkPolicy triton-from-phases: port http-grpc is not declared by Deployment triton");
    }

    @Test
    void aConfigMapMountedWithSubPathNeverUpdates() {
        assertThat(problemsAfter(o -> {
                    VolumeMount tiers =
                            server(o, "budget-router").getVolumeMounts().get(0);
                    tiers.setMountPath("/etc/elastic-mesh/tiers/tiers.yaml");
                    tiers.setSubPath("tiers.yaml");
                }))
                .contains(
                        "StatefulSet budget-router container server: mounts tiers with subPath, so updates to it never "
                                + "reach the pod; mount the whole volume as a directory");
    }

    @Test
    void aContainerWithoutLimits() {
        assertThat(problemsAfter(o ->
                        server(o, "solution-service").getResources().getLimits().remove("memory")))
                .containsExactly("Deployment solution-service container server: no memory limit");
    }

    @Test
    void aWorkloadWhoseSelectorMissesItsOwnPods() {
        assertThat(problemsAfter(o -> deployment(o, "otel-collector")
                        .getSpec()
                        .getTemplate()
                        .getMetadata()
                        .getLabels()
                        .put("app.kubernetes.io/name", "collector")))
                .anyMatch(
                        p -> p.startsWith("Deployment otel-collector: selector {app.kubernetes.io/name=otel-collector} "
                                + "does not match its own pod labels"));
    }

    @Test
    void aKafkaTopicOfNoCluster() {
        assertThat(problemsAfter(o -> named(o, KafkaTopic.class, "audit-events")
                        .getMetadata()
                        .getLabels()
                        .put("strimzi.io/cluster", "kafka")))
                .contains("KafkaTopic audit-events: strimzi.io/cluster=kafka names no Kafka resource");
    }

    @Test
    void anEndpointInConfigThatNoServiceServes() {
        assertThat(problemsAfter(o -> Overlays.generated(o, "audit-service-config")
                        .getData()
                        .put("KAFKA_BOOTSTRAP_SERVERS", "mesh-kafka-kafka-bootstrap:9093")))
                .anyMatch(p -> p.endsWith(
                        "KAFKA_BOOTSTRAP_SERVERS: mesh-kafka-kafka-bootstrap:9093 is not a port of any Service here"));
        assertThat(problemsAfter(o -> Overlays.generated(o, "decoder-service-config")
                        .getData()
                        .put("QUARKUS_GRPC_CLIENTS_TRITON_PORT", "8010")))
                .anyMatch(p ->
                        p.endsWith("QUARKUS_GRPC_CLIENTS_TRITON_HOST: triton:8010 is not a port of any Service here"));
    }

    private static List<String> problemsAfter(Consumer<List<HasMetadata>> defect) {
        List<HasMetadata> objects = Overlays.objects("dev-cpu");
        defect.accept(objects);
        return ManifestChecks.check(objects, Set.of());
    }

    private static <T extends HasMetadata> T named(List<HasMetadata> objects, Class<T> type, String name) {
        return Overlays.named(objects, type, name);
    }

    private static Service service(List<HasMetadata> objects, String name) {
        return named(objects, Service.class, name);
    }

    private static Deployment deployment(List<HasMetadata> objects, String name) {
        return named(objects, Deployment.class, name);
    }

    private static Container server(List<HasMetadata> objects, String name) {
        return Overlays.server(objects, name);
    }
}
