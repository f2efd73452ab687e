package io.elasticmesh.router;

import java.util.Arrays;
import java.util.List;

/**
 * What a tier does with a request whose tenant has no quota tokens left on this replica while the shared quota
 * store cannot be reached to lease more (only with {@code router.shared.jdbc-url} set).
 */
public enum QuotaStoreOutage {
    /** Admit it; what it uses is charged to the tenant's shared bucket once the store answers again. */
    FAIL_OPEN("fail-open"),
    /** Refuse it with UNAVAILABLE naming the store: no request of the tier runs beyond the shared quota. */
    FAIL_CLOSED("fail-closed");

    private final String configName;

    QuotaStoreOutage(String configName) {
        this.configName = configName;
    }

    /** The name used in the tier file. */
    public String configName() {
        return configName;
    }

    public static List<String> configNames() {
        return Arrays.stream(values()).map(QuotaStoreOutage::configName).toList();
    }

    /** @throws IllegalArgumentException when {@code name} is not one of {@link #configNames()} */
    public static QuotaStoreOutage fromConfigName(String name) {
        return Arrays.stream(values())
                .filter(m -> m.configName.equals(name))
                .findFirst()
                .orElseThrow(
                        () -> new IllegalArgumentException("must be one of " + configNames() + ", was '" + name + "'"));
    }
}
