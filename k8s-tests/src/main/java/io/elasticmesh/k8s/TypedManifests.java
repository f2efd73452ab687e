package io.elasticmesh.k8s;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Loads rendered manifests into the typed Kubernetes models (fabric8 for Kubernetes and Prometheus Operator kinds,
 * Strimzi's own model for Kafka), strictly: a field the model does not know, a value of the wrong type, or a kind
 * with no model is an error. The models themselves are lenient (they keep unknown fields aside in
 * {@code additionalProperties}), so the mapper here takes that escape hatch away.
 */
public final class TypedManifests {

    /** Every kind k8s/ may use, by {@code apiVersion/kind}. A kind missing here fails the load rather than pass. */
    private static final Map<String, Class<? extends HasMetadata>> MODELS = Map.ofEntries(
            Map.entry("v1/ServiceAccount", ServiceAccount.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/PersistentVolumeClaim", PersistentVolumeClaim.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("apps/v1/StatefulSet", StatefulSet.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("kafka.strimzi.io/v1beta2/Kafka", Kafka.class),
            Map.entry("kafka.strimzi.io/v1beta2/KafkaNodePool", KafkaNodePool.class),
            Map.entry("kafka.strimzi.io/v1beta2/KafkaTopic", KafkaTopic.class),
            Map.entry("monitoring.coreos.com/v1/PodMonitor", PodMonitor.class),
            Map.entry("monitoring.coreos.com/v1/PrometheusRule", PrometheusRule.class));

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final ObjectMapper STRICT = strictMapper();

    private TypedManifests() {}

    /** Every document of a multi-document YAML stream, typed; the first invalid one throws. */
    public static List<HasMetadata> load(String yaml) {
        List<HasMetadata> objects = new ArrayList<>();
        try (var documents = YAML.readValues(YAML.createParser(yaml), JsonNode.class)) {
            int index = 0;
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                index++;
                if (document != null && !document.isNull() && !document.isMissingNode()) {
                    objects.add(typed(document, index));
                }
            }
        } catch (IOException e) {
            throw new InvalidManifestException("not valid YAML: " + e.getMessage(), e);
        }
        return objects;
    }

    private static HasMetadata typed(JsonNode document, int index) {
        String apiVersion = document.path("apiVersion").asText();
        String kind = document.path("kind").asText();
        String name = document.path("metadata").path("name").asText("<no name>");
        String where = "document " + index + " (" + apiVersion + " " + kind + " " + name + ")";
        Class<? extends HasMetadata> model = MODELS.get(apiVersion + "/" + kind);
        if (model == null) {
            throw new InvalidManifestException(where + ": no typed model for this apiVersion and kind; use one of "
                    + MODELS.keySet().stream().sorted().toList() + " or add its model to TypedManifests");
        }
        try {
            return STRICT.treeToValue(document, model);
        } catch (JsonProcessingException e) {
            throw new InvalidManifestException(where + ": " + e.getOriginalMessage() + " at " + path(e), e);
        }
    }

    private static String path(JsonProcessingException e) {
        if (e instanceof com.fasterxml.jackson.databind.JsonMappingException mapping) {
            StringBuilder path = new StringBuilder();
            for (var ref : mapping.getPath()) {
                path.append(ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]");
            }
            return path.length() == 0 ? "the document root" : path.substring(path.charAt(0) == '.' ? 1 : 0);
        }
        return "the document";
    }

    private static ObjectMapper strictMapper() {
        SimpleModule noEscapeHatch = new SimpleModule().setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public BeanDeserializerBuilder updateBuilder(
                    DeserializationConfig config, BeanDescription bean, BeanDeserializerBuilder builder) {
                builder.setAnySetter(null); // the models' @JsonAnySetter additionalProperties
                builder.setIgnoreUnknownProperties(false);
                return builder;
            }
        });
        JsonMapper mapper = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .addModule(noEscapeHatch)
                .build();
        // A number or boolean where the API wants a string is rejected by the API server, so here too.
        for (CoercionInputShape shape :
                List.of(CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean)) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        return mapper;
    }
}
