package io.elasticmesh.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The references between rendered objects that no schema sees: selectors that select pods, ports that exist,
 * ConfigMaps, Secrets and ServiceAccounts that are there, pinned images, resources on every container, and
 * in-namespace endpoints in config that name a real Service port. Each problem is one line naming the object.
 */
public final class ManifestChecks {

    /** A single-label host and a port inside a config value: a Service in the same namespace. */
    private static final Pattern LOCAL_ENDPOINT = Pattern.compile("(?:^|//)([a-z][a-z0-9-]*):(\\d{2,5})(?![\\d.])");

    private static final String STRIMZI_CLUSTER_LABEL = "strimzi.io/cluster";

    private final List<HasMetadata> objects;
    private final List<Workload> workloads;
    private final Set<String> providedSecrets;
    private final List<String> problems = new ArrayList<>();

    private ManifestChecks(List<HasMetadata> objects, Set<String> providedSecrets) {
        this.objects = objects;
        this.workloads = Workload.in(objects);
        this.providedSecrets = providedSecrets;
    }

    /**
     * Every problem in one render.
     *
     * @param providedSecrets Secrets the platform creates in the namespace (not rendered, so not checkable)
     */
    public static List<String> check(List<HasMetadata> objects, Set<String> providedSecrets) {
        ManifestChecks checks = new ManifestChecks(objects, providedSecrets);
        checks.run();
        return List.copyOf(checks.problems);
    }

    private void run() {
        workloads.forEach(this::checkWorkload);
        of(Service.class).forEach(this::checkService);
        of(PodDisruptionBudget.class)
                .forEach(pdb -> requireSelectsPods(
                        "PodDisruptionBudget " + name(pdb), pdb.getSpec().getSelector()));
        of(HorizontalPodAutoscaler.class).forEach(this::checkAutoscaler);
        of(NetworkPolicy.class).forEach(this::checkNetworkPolicy);
        of(KafkaTopic.class).forEach(t -> checkStrimziCluster("KafkaTopic " + name(t), t));
        of(KafkaNodePool.class).forEach(p -> checkStrimziCluster("KafkaNodePool " + name(p), p));
        of(ConfigMap.class).forEach(this::checkEndpoints);
        of(PodMonitor.class).forEach(this::checkPodMonitor);
    }

    private void checkWorkload(Workload workload) {
        Map<String, String> podLabels = workload.template().getMetadata().getLabels();
        if (!Selectors.matches(workload.selector(), podLabels)) {
            problems.add(workload.id() + ": selector " + workload.selector().getMatchLabels()
                    + " does not match its own pod labels " + podLabels);
        }
        PodSpec pod = workload.template().getSpec();
        String account = pod.getServiceAccountName();
        if (account == null || account.isEmpty()) {
            problems.add(workload.id() + ": runs as the namespace's default ServiceAccount; give it its own");
        } else if (!exists(ServiceAccount.class, account)) {
            problems.add(workload.id() + ": ServiceAccount " + account + " does not exist");
        }
        Set<String> volumes = new HashSet<>(workload.claimTemplates());
        for (Volume volume : pod.getVolumes()) {
            volumes.add(volume.getName());
            checkVolumeSource(workload, volume);
        }
        for (Container container : containers(pod)) {
            String where = workload.id() + " container " + container.getName();
            checkImage(where, container.getImage());
            checkResources(where, container);
            checkProbes(where, container);
            checkEnvReferences(where, container);
            for (var mount : container.getVolumeMounts()) {
                if (!volumes.contains(mount.getName())) {
                    problems.add(where + ": mounts volume " + mount.getName() + ", which the pod does not declare");
                }
                Volume volume = pod.getVolumes().stream()
                        .filter(v -> v.getName().equals(mount.getName()))
                        .findFirst()
                        .orElse(null);
                if (volume != null
                        && (volume.getConfigMap() != null || volume.getSecret() != null)
                        && mount.getSubPath() != null
                        && !mount.getSubPath().isEmpty()) {
                    problems.add(where + ": mounts " + mount.getName() + " with subPath, so updates to it never "
                            + "reach the pod; mount the whole volume as a directory");
                }
            }
        }
    }

    private void checkVolumeSource(Workload workload, Volume volume) {
        String where = workload.id() + " volume " + volume.getName();
        if (volume.getConfigMap() != null
                && !Boolean.TRUE.equals(volume.getConfigMap().getOptional())) {
            ConfigMap map = find(ConfigMap.class, volume.getConfigMap().getName());
            if (map == null) {
                problems.add(where + ": ConfigMap " + volume.getConfigMap().getName() + " does not exist");
            } else {
                volume.getConfigMap().getItems().forEach(item -> requireKey(where, map, item.getKey()));
            }
        }
        if (volume.getPersistentVolumeClaim() != null
                && !exists(
                        PersistentVolumeClaim.class,
                        volume.getPersistentVolumeClaim().getClaimName())) {
            problems.add(where + ": PersistentVolumeClaim "
                    + volume.getPersistentVolumeClaim().getClaimName() + " does not exist");
        }
        if (volume.getSecret() != null
                && !Boolean.TRUE.equals(volume.getSecret().getOptional())) {
            String secretName = volume.getSecret().getSecretName();
            Secret secret = find(Secret.class, secretName);
            if (secret == null && !providedSecrets.contains(secretName)) {
                problems.add(where + ": Secret " + secretName + " does not exist");
            } else if (secret != null) {
                volume.getSecret().getItems().forEach(item -> requireKey(where, secret, item.getKey()));
            }
        }
    }

    private void checkEnvReferences(String where, Container container) {
        for (var source : container.getEnvFrom()) {
            if (source.getConfigMapRef() != null
                    && !Boolean.TRUE.equals(source.getConfigMapRef().getOptional())
                    && !exists(ConfigMap.class, source.getConfigMapRef().getName())) {
                problems.add(where + ": envFrom ConfigMap "
                        + source.getConfigMapRef().getName() + " does not exist");
            }
            if (source.getSecretRef() != null
                    && !Boolean.TRUE.equals(source.getSecretRef().getOptional())
                    && !secretExists(source.getSecretRef().getName())) {
                problems.add(where + ": envFrom Secret " + source.getSecretRef().getName() + " does not exist");
            }
        }
        for (var env : container.getEnv()) {
            if (env.getValueFrom() == null) {
                continue;
            }
            var mapKey = env.getValueFrom().getConfigMapKeyRef();
            if (mapKey != null && !Boolean.TRUE.equals(mapKey.getOptional())) {
                ConfigMap map = find(ConfigMap.class, mapKey.getName());
                if (map == null) {
                    problems.add(
                            where + " env " + env.getName() + ": ConfigMap " + mapKey.getName() + " does not exist");
                } else {
                    requireKey(where + " env " + env.getName(), map, mapKey.getKey());
                }
            }
            var secretKey = env.getValueFrom().getSecretKeyRef();
            if (secretKey != null && !Boolean.TRUE.equals(secretKey.getOptional())) {
                Secret secret = find(Secret.class, secretKey.getName());
                if (secret == null && !providedSecrets.contains(secretKey.getName())) {
                    problems.add(
                            where + " env " + env.getName() + ": Secret " + secretKey.getName() + " does not exist");
                } else if (secret != null) {
                    requireKey(where + " env " + env.getName(), secret, secretKey.getKey());
                }
            }
        }
    }

    private void requireKey(String where, ConfigMap map, String key) {
        if (!map.getData().containsKey(key) && !map.getBinaryData().containsKey(key)) {
            problems.add(where + ": ConfigMap " + name(map) + " has no key " + key);
        }
    }

    private void requireKey(String where, Secret secret, String key) {
        if (!secret.getData().containsKey(key) && !secret.getStringData().containsKey(key)) {
            problems.add(where + ": Secret " + name(secret) + " has no key " + key);
        }
    }

    private void checkImage(String where, String image) {
        if (image == null || image.isEmpty()) {
            problems.add(where + ": has no image");
            return;
        }
        if (image.contains("@sha256:")) {
            return;
        }
        String lastSegment = image.substring(image.lastIndexOf('/') + 1);
        int colon = lastSegment.indexOf(':');
        if (colon < 0 || lastSegment.substring(colon + 1).equals("latest")) {
            problems.add(where + ": image " + image + " is not pinned; give it a version tag or a digest");
        }
    }

    private void checkResources(String where, Container container) {
        var resources = container.getResources();
        for (String resource : List.of("cpu", "memory")) {
            if (resources == null || !resources.getRequests().containsKey(resource)) {
                problems.add(where + ": no " + resource + " request");
            }
            if (resources == null || !resources.getLimits().containsKey(resource)) {
                problems.add(where + ": no " + resource + " limit");
            }
        }
    }

    private void checkProbes(String where, Container container) {
        Map<String, Probe> probes = new HashMap<>();
        if (container.getStartupProbe() != null) {
            probes.put("startupProbe", container.getStartupProbe());
        }
        if (container.getLivenessProbe() != null) {
            probes.put("livenessProbe", container.getLivenessProbe());
        }
        if (container.getReadinessProbe() != null) {
            probes.put("readinessProbe", container.getReadinessProbe());
        }
        probes.forEach((kind, probe) -> {
            if (probe.getHttpGet() != null) {
                requirePort(where + " " + kind, container, probe.getHttpGet().getPort());
            }
            if (probe.getTcpSocket() != null) {
                requirePort(where + " " + kind, container, probe.getTcpSocket().getPort());
            }
            if (probe.getGrpc() != null) {
                requirePort(
                        where + " " + kind,
                        container,
                        new IntOrString(probe.getGrpc().getPort()));
            }
        });
    }

    private void requirePort(String where, Container container, IntOrString port) {
        if (!declares(container, port)) {
            problems.add(where + ": port " + port.getValue() + " is not a port the container declares "
                    + container.getPorts().stream()
                            .map(p -> p.getName() + "=" + p.getContainerPort())
                            .toList());
        }
    }

    private static boolean declares(Container container, IntOrString port) {
        for (ContainerPort declared : container.getPorts()) {
            if (port.getStrVal() != null
                    ? port.getStrVal().equals(declared.getName())
                    : port.getIntVal().equals(declared.getContainerPort())) {
                return true;
            }
        }
        return false;
    }

    private static boolean declares(PodSpec pod, IntOrString port) {
        return containers(pod).stream().anyMatch(container -> declares(container, port));
    }

    private void checkService(Service service) {
        String where = "Service " + name(service);
        if ("None".equals(service.getSpec().getClusterIP())
                && service.getSpec().getSelector().isEmpty()) {
            problems.add(where + ": headless without a selector has no endpoints");
            return;
        }
        List<Workload> selected = workloads.stream()
                .filter(w -> Selectors.matches(
                        service.getSpec().getSelector(),
                        w.template().getMetadata().getLabels()))
                .toList();
        if (selected.isEmpty()) {
            problems.add(where + ": selector " + service.getSpec().getSelector() + " matches no pod template");
        }
        for (var port : service.getSpec().getPorts()) {
            IntOrString target = port.getTargetPort() != null ? port.getTargetPort() : new IntOrString(port.getPort());
            for (Workload workload : selected) {
                if (!declares(workload.template().getSpec(), target)) {
                    problems.add(where + " port " + port.getName() + ": targetPort " + target.getValue()
                            + " is not declared by " + workload.id());
                }
            }
        }
    }

    private void checkAutoscaler(HorizontalPodAutoscaler hpa) {
        String where = "HorizontalPodAutoscaler " + name(hpa);
        var target = hpa.getSpec().getScaleTargetRef();
        Workload workload = workloads.stream()
                .filter(w -> w.kind().equals(target.getKind()) && w.name().equals(target.getName()))
                .findFirst()
                .orElse(null);
        if (workload == null) {
            problems.add(where + ": scale target " + target.getKind() + " " + target.getName() + " does not exist");
        } else if (workload.replicas() != null) {
            problems.add(where + ": " + workload.id() + " sets spec.replicas, which every apply would reset under "
                    + "the autoscaler; leave it out");
        }
    }

    private void checkNetworkPolicy(NetworkPolicy policy) {
        String where = "NetworkPolicy " + name(policy);
        var podSelector = policy.getSpec().getPodSelector();
        if (Selectors.isEmpty(podSelector)) {
            return; // all pods of the namespace: a default policy
        }
        List<Workload> selected = requireSelectsPods(where, podSelector);
        for (var rule : policy.getSpec().getIngress()) {
            for (NetworkPolicyPort port : rule.getPorts()) {
                for (Workload workload : selected) {
                    if (port.getPort() != null && !declares(workload.template().getSpec(), port.getPort())) {
                        problems.add(
                                where + ": port " + port.getPort().getValue() + " is not declared by " + workload.id());
                    }
                }
            }
            for (var peer : rule.getFrom()) {
                if (peer.getPodSelector() != null && peer.getNamespaceSelector() == null) {
                    requireSelectsPods(where + " (from)", peer.getPodSelector());
                }
            }
        }
    }

    private void checkPodMonitor(PodMonitor monitor) {
        String where = "PodMonitor " + name(monitor);
        List<Workload> selected = requireSelectsPods(where, monitor.getSpec().getSelector());
        for (var endpoint : monitor.getSpec().getPodMetricsEndpoints()) {
            for (Workload workload : selected) {
                if (!declares(workload.template().getSpec(), new IntOrString(endpoint.getPort()))) {
                    problems.add(where + ": port " + endpoint.getPort() + " is not declared by " + workload.id());
                }
            }
        }
    }

    private List<Workload> requireSelectsPods(String where, io.fabric8.kubernetes.api.model.LabelSelector selector) {
        List<Workload> selected = workloads.stream()
                .filter(w ->
                        Selectors.matches(selector, w.template().getMetadata().getLabels()))
                .toList();
        if (selected.isEmpty()) {
            problems.add(where + ": selector matches no pod template");
        }
        return selected;
    }

    private void checkStrimziCluster(String where, HasMetadata object) {
        String cluster = object.getMetadata().getLabels().get(STRIMZI_CLUSTER_LABEL);
        if (cluster == null) {
            problems.add(where + ": no " + STRIMZI_CLUSTER_LABEL + " label, so no Strimzi cluster manages it");
        } else if (!exists(Kafka.class, cluster)) {
            problems.add(where + ": " + STRIMZI_CLUSTER_LABEL + "=" + cluster + " names no Kafka resource");
        }
    }

    /** host:port values whose host is a single DNS label must name a Service (or a Strimzi Service) with that port. */
    private void checkEndpoints(ConfigMap map) {
        map.getData().forEach((key, value) -> {
            Matcher endpoint = LOCAL_ENDPOINT.matcher(value.strip());
            while (endpoint.find()) {
                String host = endpoint.group(1);
                int port = Integer.parseInt(endpoint.group(2));
                if (!servesPort(host, port)) {
                    problems.add("ConfigMap " + name(map) + " " + key + ": " + host + ":" + port
                            + " is not a port of any Service here");
                }
            }
        });
        map.getData().forEach((key, host) -> {
            if (key.endsWith("_HOST") && map.getData().containsKey(key.replaceAll("_HOST$", "_PORT"))) {
                String port = map.getData().get(key.replaceAll("_HOST$", "_PORT"));
                if (!host.contains(".") && (!port.matches("\\d+") || !servesPort(host, Integer.parseInt(port)))) {
                    problems.add("ConfigMap " + name(map) + " " + key + ": " + host + ":" + port
                            + " is not a port of any Service here");
                }
            }
        });
    }

    private boolean servesPort(String host, int port) {
        Service service = find(Service.class, host);
        if (service != null) {
            return service.getSpec().getPorts().stream().anyMatch(p -> p.getPort() == port);
        }
        // Strimzi creates <cluster>-kafka-bootstrap with one port per listener.
        return of(Kafka.class)
                .anyMatch(kafka -> host.equals(name(kafka) + "-kafka-bootstrap")
                        && kafka.getSpec().getKafka().getListeners().stream().anyMatch(l -> l.getPort() == port));
    }

    private boolean secretExists(String name) {
        return providedSecrets.contains(name) || exists(Secret.class, name);
    }

    private static List<Container> containers(PodSpec pod) {
        return Stream.concat(pod.getInitContainers().stream(), pod.getContainers().stream())
                .toList();
    }

    private <T extends HasMetadata> Stream<T> of(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast);
    }

    private <T extends HasMetadata> T find(Class<T> type, String name) {
        return of(type).filter(o -> name(o).equals(name)).findFirst().orElse(null);
    }

    private <T extends HasMetadata> boolean exists(Class<T> type, String name) {
        return find(type, name) != null;
    }

    private static String name(HasMetadata object) {
        return object.getMetadata().getName();
    }
}
