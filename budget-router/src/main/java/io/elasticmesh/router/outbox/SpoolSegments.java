package io.elasticmesh.router.outbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * The spool's segment files: their record framing, their recovery after a crash, and the active segment that appends
 * go to.
 *
 * <p>Records get consecutive sequence numbers from 1 and are kept in segment files named by their first sequence
 * number, each record framed as {@code [length][crc32c][bytes]}. A segment is zero-filled to its full size when it is
 * started, so that an fsync after an append flushes only data, never the file's size (on ext4 that halves the median
 * and cuts the tail of an fsync several times); a zero length marks the end of the records. Recovery keeps every whole
 * record and cuts off a torn or corrupt tail.
 *
 * <p>Not thread-safe: {@link AuditSpool} guards it.
 */
final class SpoolSegments {

    private static final String SUFFIX = ".seg";
    private static final int HEADER_BYTES = 8;
    private static final int MAX_RECORD_BYTES = 64 << 20;

    private final Path dir;
    private final long segmentBytes;
    /** First sequence number of each segment file. */
    private final TreeMap<Long, Path> segments = new TreeMap<>();

    private FileChannel active;
    /** Where the next record goes in the active segment. */
    private long writePosition;

    private long nextSequence;

    private SpoolSegments(Path dir, long segmentBytes) {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
    }

    /**
     * Opens the segments in {@code dir} (creating it if needed) as a crash left them.
     *
     * @param acknowledged records up to here were delivered: when nothing after it survives, a fresh segment starts
     *     after it
     */
    static SpoolSegments recover(Path dir, long segmentBytes, long acknowledged) throws IOException {
        SpoolSegments spool = new SpoolSegments(dir, segmentBytes);
        Files.createDirectories(dir);
        try (var files = Files.list(dir)) {
            files.filter(f -> f.getFileName().toString().endsWith(SUFFIX))
                    .forEach(f -> spool.segments.put(
                            Long.parseLong(f.getFileName().toString().replace(SUFFIX, "")), f));
        }
        spool.nextSequence = acknowledged + 1;
        for (Map.Entry<Long, Path> segment : spool.segments.entrySet()) {
            spool.nextSequence = segment.getKey() + countAndTruncate(segment.getValue());
        }
        if (spool.segments.isEmpty() || spool.nextSequence <= acknowledged) {
            // Nothing unacknowledged survives: start a fresh segment after the acknowledgement.
            spool.nextSequence = Math.max(spool.nextSequence, acknowledged + 1);
            spool.startSegment();
        } else {
            spool.active = FileChannel.open(spool.segments.lastEntry().getValue(), StandardOpenOption.WRITE);
            spool.writePosition = spool.active.size();
            spool.preallocate();
        }
        spool.deleteThrough(acknowledged);
        return spool;
    }

    /** Counts the whole records of a segment and cuts off a torn or corrupt tail. */
    private static long countAndTruncate(Path segment) throws IOException {
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long position = 0;
            long count = 0;
            while (true) {
                byte[] record = read(channel, position);
                if (record == null) {
                    break;
                }
                position += framedSize(record);
                count++;
            }
            if (position < channel.size()) {
                channel.truncate(position);
                channel.force(true);
            }
            return count;
        }
    }

    /** The record at {@code position}, or null at the end or at a torn or corrupt record. */
    static byte[] read(FileChannel channel, long position) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        if (channel.read(header, position) < HEADER_BYTES) {
            return null;
        }
        header.flip();
        int length = header.getInt();
        int crc = header.getInt();
        // Length 0 is the zero-filled rest of a segment: records are never empty.
        if (length <= 0 || length > MAX_RECORD_BYTES || position + HEADER_BYTES + length > channel.size()) {
            return null;
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        channel.read(body, position + HEADER_BYTES);
        byte[] bytes = body.array();
        return crc32c(bytes) == crc ? bytes : null;
    }

    /** Bytes a record takes in its segment, framing included. */
    static long framedSize(byte[] record) {
        return HEADER_BYTES + record.length;
    }

    private static int crc32c(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (int) crc.getValue();
    }

    /**
     * Appends {@code records} and fsyncs them.
     *
     * @return the sequence number of the first (the others follow it)
     */
    long append(List<byte[]> records) throws IOException {
        long first = nextSequence;
        for (byte[] bytes : records) {
            ByteBuffer record = ByteBuffer.allocate(HEADER_BYTES + bytes.length);
            // A record larger than a segment gets one of its own, which grows past the zero-filled size.
            if (writePosition > 0 && writePosition + record.capacity() > segmentBytes) {
                active.force(true);
                active.close();
                startSegment();
            }
            record.putInt(bytes.length).putInt(crc32c(bytes)).put(bytes).flip();
            while (record.hasRemaining()) {
                writePosition += active.write(record, writePosition);
            }
            nextSequence++;
        }
        active.force(false);
        return first;
    }

    /** Sequence number of the last record written (0 before the first). */
    long lastSequence() {
        return nextSequence - 1;
    }

    /** The segment holding {@code sequence}: its first sequence number and file. */
    Map.Entry<Long, Path> segmentOf(long sequence) {
        return segments.floorEntry(sequence);
    }

    /** Last sequence number of the segment starting at {@code first}; unbounded for the active one. */
    long lastSequenceOf(long first) {
        Long following = segments.higherKey(first);
        return following == null ? Long.MAX_VALUE : following - 1;
    }

    /** Deletes every segment but the active one whose records all have sequence numbers up to {@code sequence}. */
    void deleteThrough(long sequence) throws IOException {
        while (segments.size() > 1) {
            long following = segments.higherKey(segments.firstKey());
            if (following - 1 > sequence) {
                return;
            }
            Files.deleteIfExists(segments.pollFirstEntry().getValue());
        }
    }

    private void startSegment() throws IOException {
        Path segment = dir.resolve(String.format("%020d%s", nextSequence, SUFFIX));
        active = FileChannel.open(segment, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        writePosition = 0;
        preallocate();
        segments.put(nextSequence, segment);
        DurableFiles.forceDirectory(dir);
    }

    /** Zero-fills the active segment from the write position to its full size, and makes that durable. */
    private void preallocate() throws IOException {
        ByteBuffer zeros = ByteBuffer.allocate(64 << 10);
        for (long position = writePosition; position < segmentBytes; position += zeros.capacity()) {
            zeros.clear().limit((int) Math.min(zeros.capacity(), segmentBytes - position));
            while (zeros.hasRemaining()) {
                active.write(zeros, position + zeros.position());
            }
        }
        active.force(true);
    }

    void close() throws IOException {
        active.close();
    }
}
