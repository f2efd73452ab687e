package io.elasticmesh.router;

import java.util.Set;
import java.util.TreeSet;

/**
 * A tenant as ops configure it in the tier file. Its credentials are not here: API keys and certificate subjects
 * live in the principals file (a Kubernetes Secret), whose principals name the tenant they act for.
 *
 * @param name tenant name, as principals name it
 * @param allowedTiers tiers the tenant may use; never empty
 * @param defaultTier tier used when a request names none; one of {@code allowedTiers}
 * @param tokensPerMinute tokens (prompt, thinking and solution, as counted by Triton) the tenant may use per minute;
 *     at least 1
 */
public record Tenant(String name, Set<String> allowedTiers, String defaultTier, long tokensPerMinute) {

    public Tenant {
        allowedTiers = Set.copyOf(allowedTiers);
        if (allowedTiers.isEmpty()) {
            throw new IllegalArgumentException("tenant '" + name + "': allowed-tiers must name at least one tier");
        }
        if (!allowedTiers.contains(defaultTier)) {
            throw new IllegalArgumentException("tenant '" + name + "': default-tier '" + defaultTier
                    + "' is not one of its allowed-tiers " + new TreeSet<>(allowedTiers));
        }
        if (tokensPerMinute < 1) {
            throw new IllegalArgumentException(
                    "tenant '" + name + "': tokens-per-minute must be at least 1, was " + tokensPerMinute);
        }
    }
}
