package io.elasticmesh.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code components/tls} added to each overlay (as a cluster's own kustomization would): budget-router and
 * audit-service serve gRPC with their Secret's certificate and trust store, and no probe speaks gRPC to them (the
 * kubelet's gRPC probe has no TLS): they stay on the plain-HTTP management port, while the phase services stay as
 * they were.
 */
class TlsComponentTests {

    private static final List<String> TLS_SERVICES = List.of("budget-router", "audit-service");

    @ParameterizedTest
    @MethodSource(Overlays.ALL)
    void routerAndAuditServeGrpcOverTlsFromTheirSecretAndAreProbedOverHttp(String overlay) throws IOException {
        List<HasMetadata> objects = withTls(overlay);
        Set<String> secrets = new HashSet<>(Overlays.platformSecrets(overlay));
        TLS_SERVICES.forEach(s -> secrets.add(s + "-tls"));

        assertThat(ManifestChecks.check(objects, secrets)).isEmpty();
        for (String name : TLS_SERVICES) {
            PodSpec pod = Overlays.pod(objects, name);
            Container server = pod.getContainers().get(0);
            Volume tls = pod.getVolumes().stream()
                    .filter(v -> v.getSecret() != null
                            && v.getSecret().getSecretName().equals(name + "-tls"))
                    .findFirst()
                    .orElseThrow();
            VolumeMount mount = server.getVolumeMounts().stream()
                    .filter(m -> m.getName().equals(tls.getName()))
                    .findFirst()
                    .orElseThrow();

            assertThat(env(server, "QUARKUS_GRPC_SERVER_SSL_CERTIFICATE").getValue())
                    .isEqualTo(mount.getMountPath() + "/tls.crt");
            assertThat(env(server, "QUARKUS_GRPC_SERVER_SSL_KEY").getValue())
                    .isEqualTo(mount.getMountPath() + "/tls.key");
            assertThat(env(server, "QUARKUS_GRPC_SERVER_SSL_TRUST_STORE").getValue())
                    .isEqualTo(mount.getMountPath() + "/truststore.p12");
            assertThat(env(server, "QUARKUS_GRPC_SERVER_SSL_TRUST_STORE_PASSWORD")
                            .getValueFrom()
                            .getSecretKeyRef()
                            .getName())
                    .isEqualTo(name + "-tls");
            assertThat(env(server, "QUARKUS_GRPC_SERVER_SSL_CLIENT_AUTH").getValue())
                    .isEqualTo("REQUEST");
            assertThat(List.of(server.getStartupProbe(), server.getLivenessProbe(), server.getReadinessProbe()))
                    .as(name)
                    .allSatisfy(probe -> {
                        assertThat(probe.getGrpc()).isNull();
                        assertThat(probe.getHttpGet().getPort()).isEqualTo(new IntOrString("management"));
                    });
            assertThat(server.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
            assertThat(server.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
        }
        for (String name : List.of("decoder-service", "solution-service")) {
            Container server = Overlays.named(objects, Deployment.class, name)
                    .getSpec()
                    .getTemplate()
                    .getSpec()
                    .getContainers()
                    .get(0);
            assertThat(server.getEnv())
                    .extracting(EnvVar::getName)
                    .as(name)
                    .noneMatch(n -> n.startsWith("QUARKUS_GRPC_SERVER_SSL"));
            assertThat(server.getLivenessProbe().getHttpGet().getPort())
                    .as(name)
                    .isEqualTo(new IntOrString("management"));
        }
    }

    /** The overlay with the component, rendered from a kustomization under target/ as a cluster repo would write. */
    private static List<HasMetadata> withTls(String overlay) throws IOException {
        Path dir = Files.createDirectories(Path.of("target", "tls-" + overlay).toAbsolutePath());
        Files.writeString(dir.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - %s
                components:
                  - %s
                """.formatted(
                dir.relativize(Overlays.K8S.toAbsolutePath().resolve("overlays").resolve(overlay)),
                dir.relativize(Overlays.K8S.toAbsolutePath().resolve("components/tls"))));
        return TypedManifests.load(Kustomize.pinned().build(dir));
    }

    private static EnvVar env(Container container, String name) {
        return container.getEnv().stream()
                .filter(e -> e.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError(container.getName() + " has no " + name));
    }
}
