package io.elasticmesh.router;

/**
 * What a tier does with a request whose tenant has no quota tokens left on this replica while the shared quota
 * store cannot be reached to lease more (only with {@code router.shared.jdbc-url} set).
 */
public enum QuotaStoreOutage implements ConfigNamed {
    /** Admit it; what it uses is charged to the tenant's shared bucket once the store answers again. */
    FAIL_OPEN("fail-open"),
    /** Refuse it with UNAVAILABLE naming the store: no request of the tier runs beyond the shared quota. */
    FAIL_CLOSED("fail-closed");

    private final String configName;

    QuotaStoreOutage(String configName) {
        this.configName = configName;
    }

    @Override
    public String configName() {
        return configName;
    }

    /** @throws IllegalArgumentException naming every accepted name when {@code name} is none of them */
    public static QuotaStoreOutage fromConfigName(String name) {
        return ConfigNamed.fromConfigName(QuotaStoreOutage.class, name);
    }
}
