package io.elasticmesh.audit;

import io.elasticmesh.edge.InvalidArgument;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The verdicts a reviewer may record, as ops configure them (audit.review.rubric), in their configured order. */
public record Rubric(List<Value> values) {

    /**
     * @param escalates a verdict with this value leaves its item escalated (another verdict may follow it)
     */
    public record Value(String name, String description, boolean escalates) {}

    /** @throws IllegalArgumentException when the rubric is empty or names a value twice or blank */
    public Rubric {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("audit.review.rubric must name at least one verdict");
        }
        Set<String> names = new HashSet<>();
        for (Value value : values) {
            if (!value.name().matches("[a-z0-9][a-z0-9-]{0,63}")) {
                throw new IllegalArgumentException("audit.review.rubric: verdict name '" + value.name()
                        + "' must be 1 to 64 lowercase letters, digits and dashes, starting with a letter or digit");
            }
            if (!names.add(value.name())) {
                throw new IllegalArgumentException("audit.review.rubric names verdict '" + value.name() + "' twice");
            }
        }
        values = List.copyOf(values);
    }

    /** @throws InvalidArgument naming field {@code verdict} when the rubric has no such value */
    public Value require(String name) {
        return values.stream()
                .filter(v -> v.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new InvalidArgument(
                        "verdict",
                        "must be one of " + values.stream().map(Value::name).toList() + ", was '"
                                + io.elasticmesh.edge.Echo.bounded(name) + "'"));
    }
}
