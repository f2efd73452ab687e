package io.elasticmesh.k8s;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.util.List;
import java.util.Map;

/**
 * What the rendered NetworkPolicies let in, evaluated as Kubernetes does for ingress: a pod that no policy selects
 * accepts everything; a selected pod accepts a connection when some policy's rule admits both its source and its
 * port. All policies are in the namespace being rendered.
 */
public final class IngressPolicy {

    /** Where a connection comes from: its namespace's labels, its pod's labels, and whether it is that namespace. */
    public record Source(Map<String, String> namespaceLabels, Map<String, String> podLabels, boolean sameNamespace) {}

    private final List<NetworkPolicy> policies;

    public IngressPolicy(List<HasMetadata> objects) {
        this.policies = objects.stream()
                .filter(NetworkPolicy.class::isInstance)
                .map(NetworkPolicy.class::cast)
                .filter(p -> p.getSpec().getPolicyTypes().isEmpty()
                        || p.getSpec().getPolicyTypes().contains("Ingress"))
                .toList();
    }

    /** Whether {@code source} may open a connection to {@code port} of a pod with {@code podLabels}. */
    public boolean allows(Source source, Map<String, String> podLabels, ContainerPort port) {
        List<NetworkPolicy> selecting = policies.stream()
                .filter(p -> Selectors.isEmpty(p.getSpec().getPodSelector())
                        || Selectors.matches(p.getSpec().getPodSelector(), podLabels))
                .toList();
        if (selecting.isEmpty()) {
            return true;
        }
        return selecting.stream()
                .flatMap(p -> p.getSpec().getIngress().stream())
                .anyMatch(rule ->
                        (rule.getFrom().isEmpty() || rule.getFrom().stream().anyMatch(peer -> admits(peer, source)))
                                && (rule.getPorts().isEmpty()
                                        || rule.getPorts().stream().anyMatch(p -> matches(p, port))));
    }

    private static boolean admits(NetworkPolicyPeer peer, Source source) {
        if (peer.getIpBlock() != null) {
            return true; // the mesh's policies name no IP blocks; treat one as admitting the source
        }
        boolean namespaceOk = peer.getNamespaceSelector() == null
                ? source.sameNamespace()
                : Selectors.isEmpty(peer.getNamespaceSelector())
                        || Selectors.matches(peer.getNamespaceSelector(), source.namespaceLabels());
        boolean podOk = peer.getPodSelector() == null
                || Selectors.isEmpty(peer.getPodSelector())
                || Selectors.matches(peer.getPodSelector(), source.podLabels());
        return namespaceOk && podOk;
    }

    private static boolean matches(NetworkPolicyPort rule, ContainerPort port) {
        IntOrString wanted = rule.getPort();
        if (wanted == null) {
            return true;
        }
        return wanted.getStrVal() != null
                ? wanted.getStrVal().equals(port.getName())
                : wanted.getIntVal().equals(port.getContainerPort());
    }
}
