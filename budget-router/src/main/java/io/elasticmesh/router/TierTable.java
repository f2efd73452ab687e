package io.elasticmesh.router;

import io.elasticmesh.edge.DomainException;
import io.elasticmesh.edge.Echo;
import io.grpc.Status;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One version of the SLA configuration: the tiers, the tenants and the shared admission capacity, as read from the
 * tier file. Immutable; a reload replaces the whole table, so a request sees one consistent version.
 *
 * @param maxConcurrentRequests requests in flight across all tiers (what the model servers run at once); when
 *     tiers compete for it, the waiting request of the highest-priority tier goes first
 * @param version identifies the file content ({@code sha256:} and the first 12 hex digits of its hash)
 */
public record TierTable(
        Map<String, Tier> tiers, Map<String, Tenant> tenants, int maxConcurrentRequests, String version) {

    public TierTable {
        tiers = Map.copyOf(tiers);
        tenants = Map.copyOf(tenants);
        if (tiers.isEmpty()) {
            throw new IllegalArgumentException("no tiers defined (expected a 'tiers' mapping)");
        }
        if (maxConcurrentRequests < 1) {
            throw new IllegalArgumentException(
                    "max-concurrent-requests must be at least 1, was " + maxConcurrentRequests);
        }
        for (Tenant tenant : tenants.values()) {
            Set<String> unknown = new TreeSet<>(tenant.allowedTiers());
            unknown.removeAll(tiers.keySet());
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException(
                        "tenant '" + tenant.name() + "': allowed-tiers names unknown tier(s) " + unknown
                                + "; known tiers: " + new TreeSet<>(tiers.keySet()));
            }
        }
    }

    public Optional<Tier> find(String name) {
        return Optional.ofNullable(tiers.get(name));
    }

    /** @throws DomainException NOT_FOUND naming the known tiers when {@code name} is not one */
    public Tier require(String name) {
        return find(name)
                .orElseThrow(() -> new DomainException(
                        Status.Code.NOT_FOUND,
                        "tier '" + Echo.bounded(name) + "' does not exist; known tiers: " + names()));
    }

    public Optional<Tenant> tenant(String name) {
        return Optional.ofNullable(tenants.get(name));
    }

    public Set<String> names() {
        return new TreeSet<>(tiers.keySet());
    }

    /** Tiers sorted by name. */
    public Collection<Tier> sortedTiers() {
        return new TreeMap<>(tiers).values();
    }

    /** Tenants sorted by name. */
    public Collection<Tenant> sortedTenants() {
        return new TreeMap<>(tenants).values();
    }
}
