package io.elasticmesh.router.outbox;

import com.google.protobuf.InvalidProtocolBufferException;
import io.elasticmesh.proto.audit.v1.AuditEvent;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * An audit event as the outbox spools it: its Kafka key (the tenant) and its event id beside the event's bytes, so
 * that delivery never parses the event.
 *
 * <p>Two formats are read. This one: {@code [0][2][int key length][key][int id length][event id][event]}, lengths in
 * bytes, strings in UTF-8. The first: the event's bytes alone, as routers before this format spooled them and as
 * the quarantine keeps them; parsed once to learn the key and id. A serialized event never starts with a zero byte
 * (a protobuf field tag is at least 8), so the first byte tells the two apart.
 */
public record SpoolRecord(String key, String eventId, byte[] event) {

    private static final byte MARK = 0;
    private static final byte VERSION = 2;

    public static SpoolRecord of(AuditEvent event) {
        return new SpoolRecord(event.getTenant(), event.getEventId(), event.toByteArray());
    }

    public byte[] encode() {
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        byte[] idBytes = eventId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(2 + Integer.BYTES + keyBytes.length + Integer.BYTES + idBytes.length + event.length)
                .put(MARK)
                .put(VERSION)
                .putInt(keyBytes.length)
                .put(keyBytes)
                .putInt(idBytes.length)
                .put(idBytes)
                .put(event)
                .array();
    }

    /**
     * Reads a spooled record in either format.
     *
     * @throws IllegalArgumentException saying why when the bytes are neither (such a record can never be delivered)
     */
    public static SpoolRecord decode(byte[] spooled) {
        if (spooled.length > 0 && spooled[0] == MARK) {
            return decodeKeyed(spooled);
        }
        try {
            AuditEvent event = AuditEvent.parseFrom(spooled);
            return new SpoolRecord(event.getTenant(), event.getEventId(), spooled);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not an elastic.audit.v1.AuditEvent: " + e.getMessage(), e);
        }
    }

    private static SpoolRecord decodeKeyed(byte[] spooled) {
        ByteBuffer in = ByteBuffer.wrap(spooled, 1, spooled.length - 1);
        try {
            byte version = in.get();
            if (version != VERSION) {
                throw new IllegalArgumentException("spool record version " + version + " is unknown (this router "
                        + "reads version " + VERSION + " and events alone)");
            }
            String key = string(in);
            String eventId = string(in);
            byte[] event = new byte[in.remaining()];
            in.get(event);
            return new SpoolRecord(key, eventId, event);
        } catch (BufferUnderflowException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("spool record of " + spooled.length + " bytes is cut short", e);
        }
    }

    private static String string(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new IllegalArgumentException("spool record field of " + length + " bytes exceeds the record");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
