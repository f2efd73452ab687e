package io.elasticmesh.router.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elasticmesh.proto.audit.v1.AuditEvent;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class SpoolRecordTests {

    private static AuditEvent event(String tenant, String eventId, String thinking) {
        return AuditEvent.newBuilder()
                .setEventId(eventId)
                .setTenant(tenant)
                .setResponse(ReasonResponse.newBuilder().setRequestId("r").setThinkingText(thinking))
                .build();
    }

    @Property(tries = 200)
    void aKeyedRecordReadsBackAsWrittenAndNeverLooksLikeABareEvent(
            @ForAll String tenant, @ForAll String eventId, @ForAll String thinking) {
        AuditEvent event = event(tenant, eventId, thinking);
        byte[] bare = event.toByteArray();

        SpoolRecord read = SpoolRecord.decode(SpoolRecord.of(event).encode());

        assertThat(read.key()).isEqualTo(tenant);
        assertThat(read.eventId()).isEqualTo(eventId);
        assertThat(read.event()).isEqualTo(bare);
        // The first byte tells the formats apart: a serialized event never starts with zero.
        assertThat(bare.length == 0 || bare[0] != 0).isTrue();
    }

    @Test
    void aBareEventAsEarlierRoutersSpooledItIsReadWithItsTenantAndId() {
        byte[] bare = event("acme", "e-7", "thinking").toByteArray();

        SpoolRecord read = SpoolRecord.decode(bare);

        assertThat(read).extracting(SpoolRecord::key, SpoolRecord::eventId).containsExactly("acme", "e-7");
        assertThat(read.event()).isEqualTo(bare);
    }

    @Test
    void bytesThatAreNeitherFormatAreRefusedSayingWhy() {
        assertThatThrownBy(() -> SpoolRecord.decode("\u00ff\u00ff not protobuf".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not an elastic.audit.v1.AuditEvent");
        assertThatThrownBy(() -> SpoolRecord.decode(new byte[] {0, 9, 1, 2}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version 9 is unknown");
        byte[] keyed = SpoolRecord.of(event("acme", "e-7", "")).encode();
        assertThatThrownBy(() -> SpoolRecord.decode(Arrays.copyOf(keyed, 8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exceeds the record");
        assertThatThrownBy(() -> SpoolRecord.decode(Arrays.copyOf(keyed, 3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cut short");
    }
}
