package io.elasticmesh.k8s;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.Map;

/** Kubernetes label-selector semantics: every matchLabels pair and every matchExpressions requirement must hold. */
final class Selectors {

    private Selectors() {}

    static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return false;
        }
        for (var pair : selector.getMatchLabels().entrySet()) {
            if (!pair.getValue().equals(labels.get(pair.getKey()))) {
                return false;
            }
        }
        for (LabelSelectorRequirement requirement : selector.getMatchExpressions()) {
            if (!holds(requirement, labels)) {
                return false;
            }
        }
        return true;
    }

    /** A Service's selector: a plain map; an empty one selects nothing (such a Service has manual endpoints). */
    static boolean matches(Map<String, String> selector, Map<String, String> labels) {
        return !selector.isEmpty()
                && selector.entrySet().stream().allMatch(p -> p.getValue().equals(labels.get(p.getKey())));
    }

    static boolean isEmpty(LabelSelector selector) {
        return selector == null
                || selector.getMatchLabels().isEmpty()
                        && selector.getMatchExpressions().isEmpty();
    }

    private static boolean holds(LabelSelectorRequirement requirement, Map<String, String> labels) {
        String value = labels.get(requirement.getKey());
        return switch (requirement.getOperator()) {
            case "In" -> value != null && requirement.getValues().contains(value);
            case "NotIn" -> value == null || !requirement.getValues().contains(value);
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            default -> throw new IllegalArgumentException("unknown selector operator " + requirement.getOperator());
        };
    }
}
