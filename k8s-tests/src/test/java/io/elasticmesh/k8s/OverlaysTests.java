package io.elasticmesh.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every overlay renders, every object passes its typed model, and every reference between objects resolves. */
class OverlaysTests {

    @ParameterizedTest
    @MethodSource(Overlays.ALL)
    void everyObjectLoadsIntoItsTypedModel(String overlay) {
        List<HasMetadata> objects = Overlays.objects(overlay);

        assertThat(objects)
                .extracting(HasMetadata::getKind)
                .contains(
                        "Deployment",
                        "Service",
                        "HorizontalPodAutoscaler",
                        "PodDisruptionBudget",
                        "NetworkPolicy",
                        "Kafka",
                        "KafkaTopic",
                        "StatefulSet");
    }

    @ParameterizedTest
    @MethodSource(Overlays.ALL)
    void everyReferenceBetweenObjectsResolves(String overlay) {
        assertThat(ManifestChecks.check(Overlays.objects(overlay), Overlays.platformSecrets(overlay)))
                .isEmpty();
    }
}
