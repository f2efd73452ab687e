package io.elasticmesh.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Who can reach what, by evaluating every overlay's NetworkPolicies for every port of every pod: clients reach only
 * the router, the audit query API only the compliance namespace, and each backend only its own callers.
 */
class NetworkPoliciesTests {

    private static final IngressPolicy.Source CLIENT_NAMESPACE =
            new IngressPolicy.Source(Map.of("kubernetes.io/metadata.name", "clients"), Map.of("app", "client"), false);
    private static final IngressPolicy.Source COMPLIANCE_NAMESPACE = new IngressPolicy.Source(
            Map.of("kubernetes.io/metadata.name", "compliance"), Map.of("app", "audit-console"), false);

    @ParameterizedTest
    @MethodSource(Overlays.ALL)
    void clientsOutsideTheNamespaceReachOnlyTheRoutersGrpcAndHttpPorts(String overlay) {
        // http: the OpenAI-compatible door. Not management (/q/health, /q/metrics): that is the platform's.
        assertThat(reachable(overlay, CLIENT_NAMESPACE))
                .containsExactlyInAnyOrder("budget-router:grpc", "budget-router:http");
    }

    @ParameterizedTest
    @MethodSource(Overlays.ALL)
    void theComplianceNamespaceReachesTheAuditQueryApiAndTheReviewConsole(String overlay) {
        // audit-service:http: the review console (/console).
        assertThat(reachable(overlay, COMPLIANCE_NAMESPACE))
                .containsExactlyInAnyOrder(
                        "budget-router:grpc", "budget-router:http", "audit-service:grpc", "audit-service:http");
    }

    @ParameterizedTest
    @MethodSource(Overlays.ALL)
    void eachBackendIsReachableOnlyFromItsCallers(String overlay) {
        // audit-service's API: continuation of a request the router does not hold (GetContinuation); PostgreSQL:
        // the replicas' coordination database (leased quotas).
        assertThat(reachable(overlay, pod("budget-router")))
                .contains("decoder-service:grpc", "solution-service:grpc", "audit-service:grpc", "postgres:postgres")
                .doesNotContain("triton:grpc", "decoder-service:management", "audit-service:management");
        assertThat(reachable(overlay, pod("decoder-service")))
                .contains("triton:grpc")
                .doesNotContain("postgres:postgres");
        assertThat(reachable(overlay, pod("solution-service"))).contains("triton:grpc");
        assertThat(reachable(overlay, pod("audit-service")))
                .contains("postgres:postgres")
                .doesNotContain("triton:grpc");
        assertThat(reachable(overlay, pod("triton"))).doesNotContain("triton:http", "audit-service:grpc");
    }

    @ParameterizedTest
    @MethodSource(Overlays.ALL)
    void prometheusScrapesMetricsPortsButNotTritonsInferenceApi(String overlay) {
        var monitoring = new IngressPolicy.Source(
                Map.of("kubernetes.io/metadata.name", "monitoring"),
                Map.of("app.kubernetes.io/name", "prometheus"),
                false);

        // The services' /q/metrics is on their management port; audit-service's http is the review console.
        assertThat(reachable(overlay, monitoring))
                .contains(
                        "budget-router:management",
                        "decoder-service:management",
                        "solution-service:management",
                        "audit-service:management",
                        "triton:metrics",
                        "otel-collector:metrics")
                .doesNotContain(
                        "triton:http",
                        "triton:grpc",
                        "audit-service:grpc",
                        "audit-service:http",
                        "decoder-service:http",
                        "solution-service:http");
    }

    private static IngressPolicy.Source pod(String name) {
        return new IngressPolicy.Source(Map.of(), Map.of("app.kubernetes.io/name", name), true);
    }

    /** Every workload:port that {@code source} may connect to. */
    private static List<String> reachable(String overlay, IngressPolicy.Source source) {
        List<HasMetadata> objects = Overlays.objects(overlay);
        IngressPolicy policy = new IngressPolicy(objects);
        List<String> reachable = new ArrayList<>();
        for (Workload workload : Workload.in(objects)) {
            for (var container : workload.template().getSpec().getContainers()) {
                for (ContainerPort port : container.getPorts()) {
                    if (policy.allows(source, workload.template().getMetadata().getLabels(), port)) {
                        reachable.add(workload.name() + ":" + port.getName());
                    }
                }
            }
        }
        return reachable;
    }
}
