package io.elasticmesh.cli;

import picocli.CommandLine.Option;

/** The tenant a router request is made for. */
final class TenantOption {

    /** The local mesh's tenant (k8s/base/tiers.yaml), which may use every tier. */
    static final String LOCAL_TENANT = "demo";

    @Option(
            names = "--tenant",
            paramLabel = "TENANT",
            description = "tenant to act for (default: without an API "
                    + "key, the local mesh's tenant " + LOCAL_TENANT
                    + ", as the router then believes the field; with one, "
                    + "the key's)")
    private String tenant;

    String tenant(RouterOptions router) {
        if (tenant != null) {
            return tenant;
        }
        return router.apiKey() == null ? LOCAL_TENANT : "";
    }
}
