package io.elasticmesh.router.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditQuarantineTests {

    @TempDir
    Path dir;

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void recordsAreKeptWithTheirReasonAcrossRestartsLowestSequenceFirst() {
        AuditQuarantine quarantine = new AuditQuarantine(dir);
        quarantine.put(42, bytes("later"), "too large");
        quarantine.put(7, bytes("earlier"), "not an audit event");

        AuditQuarantine reopened = new AuditQuarantine(dir);

        assertThat(reopened.size()).isEqualTo(2);
        assertThat(reopened.list()).extracting(AuditQuarantine.Entry::sequence).containsExactly(7L, 42L);
        AuditQuarantine.Entry later = reopened.get(42).orElseThrow();
        assertThat(later.bytes()).isEqualTo(bytes("later"));
        assertThat(later.reason()).isEqualTo("too large");
    }

    @Test
    void quarantiningTheSameRecordAgainKeepsOneCopy() {
        AuditQuarantine quarantine = new AuditQuarantine(dir);
        quarantine.put(3, bytes("event"), "too large");
        quarantine.put(3, bytes("event"), "too large");

        assertThat(quarantine.list()).hasSize(1);
    }

    @Test
    void aRemovedRecordIsGone() {
        AuditQuarantine quarantine = new AuditQuarantine(dir);
        quarantine.put(3, bytes("event"), "too large");

        quarantine.remove(3);

        assertThat(quarantine.get(3)).isEmpty();
        assertThat(quarantine.size()).isZero();
    }
}
