package io.elasticmesh.router;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AuditModeTests {

    @Test
    void cutOnlyAuditsExactlyTheCutRequests() {
        assertThat(AuditMode.CUT_ONLY.covers(true)).isTrue();
        assertThat(AuditMode.CUT_ONLY.covers(false)).isFalse();
    }

    @Test
    void allAuditsEveryRequest() {
        assertThat(AuditMode.ALL.covers(true)).isTrue();
        assertThat(AuditMode.ALL.covers(false)).isTrue();
    }

    @Test
    void tierFileNamesMapBackToTheirModes() {
        for (AuditMode mode : AuditMode.values()) {
            assertThat(AuditMode.fromConfigName(mode.configName())).isEqualTo(mode);
        }
    }
}
