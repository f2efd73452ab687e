package io.elasticmesh.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import org.junit.jupiter.api.Test;

/** The typed load rejects what the API server would: unknown fields, wrong types, kinds without a model. */
class TypedManifestsTests {

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: %s
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                    - name: web
                      image: example/web:1.0
                      %s
            """;

    @Test
    void aWellFormedDeploymentLoadsWithItsValues() {
        var objects = TypedManifests.load(DEPLOYMENT.formatted("2", "imagePullPolicy: Always"));

        assertThat(objects).singleElement().isInstanceOfSatisfying(Deployment.class, d -> {
            assertThat(d.getSpec().getReplicas()).isEqualTo(2);
            assertThat(d.getSpec()
                            .getTemplate()
                            .getSpec()
                            .getContainers()
                            .get(0)
                            .getImagePullPolicy())
                    .isEqualTo("Always");
        });
    }

    @Test
    void anUnknownFieldIsRejectedWithItsPath() {
        assertThatThrownBy(() -> TypedManifests.load(DEPLOYMENT.formatted("2", "imagePullPolicyy: Always")))
                .isInstanceOf(InvalidManifestException.class)
                .hasMessageContaining("Deployment web")
                .hasMessageContaining("imagePullPolicyy")
                .hasMessageContaining("spec.template.spec.containers[0]");
    }

    @Test
    void aStringWhereANumberBelongsIsRejected() {
        assertThatThrownBy(() -> TypedManifests.load(DEPLOYMENT.formatted("\"2\"", "imagePullPolicy: Always")))
                .isInstanceOf(InvalidManifestException.class)
                .hasMessageContaining("spec.replicas");
    }

    @Test
    void aNumberWhereAStringBelongsIsRejected() {
        assertThatThrownBy(() -> TypedManifests.load(DEPLOYMENT.formatted("2", "env: [{name: X, value: 1}]")))
                .isInstanceOf(InvalidManifestException.class)
                .hasMessageContaining("spec.template.spec.containers[0].env[0].value");
    }

    @Test
    void aKindWithoutATypedModelIsRejectedRatherThanSkipped() {
        assertThatThrownBy(() -> TypedManifests.load(
                        DEPLOYMENT.replace("apps/v1", "apps/v1beta1").formatted("2", "")))
                .isInstanceOf(InvalidManifestException.class)
                .hasMessageContaining("no typed model for this apiVersion and kind");
    }

    @Test
    void strimziResourcesAreCheckedByStrimzisOwnModel() {
        String topic = """
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaTopic
                metadata:
                  name: audit
                  labels: {strimzi.io/cluster: mesh-kafka}
                spec:
                  %s: elastic.audit.events.v1
                  partitions: 6
                """;

        assertThat(TypedManifests.load(topic.formatted("topicName")))
                .singleElement()
                .isInstanceOfSatisfying(
                        KafkaTopic.class,
                        t -> assertThat(t.getSpec().getTopicName()).isEqualTo("elastic.audit.events.v1"));
        assertThatThrownBy(() -> TypedManifests.load(topic.formatted("topicname")))
                .isInstanceOf(InvalidManifestException.class)
                .hasMessageContaining("topicname");
    }
}
