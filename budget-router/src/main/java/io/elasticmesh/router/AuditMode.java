package io.elasticmesh.router;

/** Which of a tier's requests are published for audit. */
public enum AuditMode implements ConfigNamed {
    /** Only requests whose thinking was cut: the reasoning behind their answers was never seen whole. */
    CUT_ONLY("cut-only"),
    /** Every answered request. */
    ALL("all");

    private final String configName;

    AuditMode(String configName) {
        this.configName = configName;
    }

    /** Whether a request whose thinking was ({@code thinkingCut}) or was not cut is audited. */
    public boolean covers(boolean thinkingCut) {
        return this == ALL || thinkingCut;
    }

    @Override
    public String configName() {
        return configName;
    }

    /** @throws IllegalArgumentException naming every accepted name when {@code name} is none of them */
    public static AuditMode fromConfigName(String name) {
        return ConfigNamed.fromConfigName(AuditMode.class, name);
    }
}
