package io.elasticmesh.router.outbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The reader's place in the spool and its acknowledgement. The reader takes records in order; the acknowledged
 * sequence number is stored durably (written aside, fsynced, renamed), segments whose records are all acknowledged
 * are deleted, and after a restart or a {@link #rewind} the reader resumes right after it.
 *
 * <p>Not thread-safe: {@link AuditSpool} guards it.
 */
final class SpoolCursor {

    private static final String FILE = "acknowledged";

    private final Path dir;
    private final SpoolSegments segments;
    private long acknowledged;
    private long readSequence;
    private long readSegment;
    private long readPosition;

    /** Places the reader right after the acknowledgement. */
    SpoolCursor(Path dir, SpoolSegments segments, long acknowledged) {
        this.dir = dir;
        this.segments = segments;
        this.acknowledged = acknowledged;
        rewind();
    }

    /** The acknowledgement stored in {@code dir}; 0 when none was. */
    static long acknowledged(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        return Files.exists(file) ? Long.parseLong(Files.readString(file).strip()) : 0;
    }

    long acknowledged() {
        return acknowledged;
    }

    /** Sequence number of the next record the reader hands out. */
    long readSequence() {
        return readSequence;
    }

    /** The next records in order, at most {@code max}, none after {@code durable}. */
    List<AuditSpool.Entry> next(int max, long durable) {
        List<AuditSpool.Entry> entries = new ArrayList<>();
        try {
            while (entries.size() < max && readSequence <= durable) {
                Map.Entry<Long, Path> segment = segments.segmentOf(readSequence);
                if (segment.getKey() != readSegment) {
                    // Sequential reading has just crossed into the next segment.
                    readSegment = segment.getKey();
                    readPosition = 0;
                }
                try (FileChannel channel = FileChannel.open(segment.getValue(), StandardOpenOption.READ)) {
                    long end = Math.min(durable, segments.lastSequenceOf(readSegment));
                    while (entries.size() < max && readSequence <= end) {
                        byte[] bytes = SpoolSegments.read(channel, readPosition);
                        if (bytes == null) {
                            throw new IOException("record " + readSequence + " is unreadable in " + segment.getValue());
                        }
                        entries.add(new AuditSpool.Entry(readSequence, bytes));
                        readPosition += SpoolSegments.framedSize(bytes);
                        readSequence++;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }

    /** Makes the reader hand out again everything after the acknowledgement. */
    void rewind() {
        readSequence = acknowledged + 1;
        Map.Entry<Long, Path> segment = segments.segmentOf(readSequence);
        readSegment = segment.getKey();
        readPosition = 0;
        try (FileChannel channel = FileChannel.open(segment.getValue(), StandardOpenOption.READ)) {
            for (long sequence = segment.getKey(); sequence < readSequence; sequence++) {
                readPosition += SpoolSegments.framedSize(SpoolSegments.read(channel, readPosition));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Durably records that every record up to {@code sequence} was delivered, and frees their segments. */
    void acknowledge(long sequence) {
        if (sequence <= acknowledged) {
            return;
        }
        try {
            DurableFiles.replace(
                    dir.resolve(FILE), ByteBuffer.wrap(Long.toString(sequence).getBytes(StandardCharsets.US_ASCII)));
            acknowledged = sequence;
            segments.deleteThrough(sequence);
            DurableFiles.forceDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record audit spool progress in " + dir, e);
        }
    }
}
