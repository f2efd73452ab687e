package io.elasticmesh.router;

import java.util.Arrays;
import java.util.List;

/** Which of a tier's requests are published for audit. */
public enum AuditMode {
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

    /** The name used in the tier file. */
    public String configName() {
        return configName;
    }

    public static List<String> configNames() {
        return Arrays.stream(values()).map(AuditMode::configName).toList();
    }

    /** @throws IllegalArgumentException when {@code name} is not one of {@link #configNames()} */
    public static AuditMode fromConfigName(String name) {
        return Arrays.stream(values())
                .filter(m -> m.configName.equals(name))
                .findFirst()
                .orElseThrow(
                        () -> new IllegalArgumentException("must be one of " + configNames() + ", was '" + name + "'"));
    }
}
