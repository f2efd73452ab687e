package io.elasticmesh.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** An object that runs pods from a template: what selectors, probes and references are checked against. */
record Workload(
        String kind,
        String name,
        LabelSelector selector,
        PodTemplateSpec template,
        Integer replicas,
        Set<String> claimTemplates) {

    static Optional<Workload> of(HasMetadata object) {
        if (object instanceof Deployment d) {
            return Optional.of(new Workload(
                    "Deployment",
                    d.getMetadata().getName(),
                    d.getSpec().getSelector(),
                    d.getSpec().getTemplate(),
                    d.getSpec().getReplicas(),
                    Set.of()));
        }
        if (object instanceof StatefulSet s) {
            Set<String> claims = Set.copyOf(s.getSpec().getVolumeClaimTemplates().stream()
                    .map(claim -> claim.getMetadata().getName())
                    .toList());
            return Optional.of(new Workload(
                    "StatefulSet",
                    s.getMetadata().getName(),
                    s.getSpec().getSelector(),
                    s.getSpec().getTemplate(),
                    s.getSpec().getReplicas(),
                    claims));
        }
        return Optional.empty();
    }

    static List<Workload> in(List<HasMetadata> objects) {
        return objects.stream().flatMap(o -> of(o).stream()).toList();
    }

    String id() {
        return kind + " " + name;
    }
}
