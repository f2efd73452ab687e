package io.elasticmesh.router.kafka;

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
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.zip.CRC32C;

/**
 * A durable, ordered, append-only log of records on local disk: the write-ahead copy of every audit event before it
 * goes to Kafka.
 *
 * <p>Records get consecutive sequence numbers from 1 and are kept in segment files named by their first sequence
 * number, each record framed as {@code [length][crc32c][bytes]}. A segment is zero-filled to its full size when it is
 * started, so that an fsync after an append flushes only data, never the file's size (on ext4 that halves the median
 * and cuts the tail of an fsync several times); a zero length marks the end of the records. One writer thread
 * appends and fsyncs in groups (every record appended while the previous fsync ran shares the next one);
 * {@link #append} completes when its record is on disk. A reader takes durable records in order and {@link #acknowledge}s them once delivered; the
 * acknowledged sequence number is itself stored durably (written aside, fsynced, renamed), and segments whose
 * records are all acknowledged are deleted.
 *
 * <p>After a crash, {@link #open} keeps every record whose fsync completed, drops a torn last record, and the reader
 * resumes right after the last acknowledgement: a record is never lost once {@code append} completed, and is
 * handed out again only if it was delivered but its acknowledgement had not reached the disk.
 */
public final class AuditSpool implements AutoCloseable {

    /** A record and its sequence number. */
    public record Entry(long sequence, byte[] bytes) {
    }

    private static final String SEGMENT_SUFFIX = ".seg";
    private static final String CURSOR = "acknowledged";
    private static final int HEADER_BYTES = 8;
    private static final int MAX_RECORD_BYTES = 64 << 20;

    private record Pending(byte[] bytes, CompletableFuture<Long> durable) {
    }

    private final Path dir;
    private final long segmentBytes;
    private final LongConsumer syncNanos;
    private final BlockingQueue<Pending> queue;
    private final Thread writer;
    /** First sequence number of each segment file. */
    private final TreeMap<Long, Path> segments = new TreeMap<>();

    private FileChannel active;
    /** Where the next record goes in the active segment. */
    private long writePosition;
    private long nextSequence;
    private long durableSequence;
    private long acknowledged;
    private long readSequence;
    private long readSegment;
    private long readPosition;
    private volatile boolean closed;

    private AuditSpool(Path dir, long segmentBytes, int queueCapacity, LongConsumer syncNanos) {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        this.syncNanos = syncNanos;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.writer = new Thread(this::writeLoop, "audit-spool-writer");
        this.writer.setDaemon(true);
    }

    /**
     * Opens (creating if needed) the spool in {@code dir}, recovering from whatever a crash left.
     *
     * @param segmentBytes size after which a new segment file is started
     * @param queueCapacity records that may wait for the writer; beyond it {@link #append} fails at once
     */
    public static AuditSpool open(Path dir, long segmentBytes, int queueCapacity) {
        return open(dir, segmentBytes, queueCapacity, nanos -> { });
    }

    /** @param syncNanos told how long each group's write and fsync took, in nanoseconds (the disk's share) */
    public static AuditSpool open(Path dir, long segmentBytes, int queueCapacity, LongConsumer syncNanos) {
        AuditSpool spool = new AuditSpool(dir, segmentBytes, queueCapacity, syncNanos);
        try {
            spool.recover();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the audit spool in " + dir, e);
        }
        spool.writer.start();
        return spool;
    }

    private void recover() throws IOException {
        Files.createDirectories(dir);
        Path cursor = dir.resolve(CURSOR);
        acknowledged = Files.exists(cursor) ? Long.parseLong(Files.readString(cursor).strip()) : 0;
        try (var files = Files.list(dir)) {
            files.filter(f -> f.getFileName().toString().endsWith(SEGMENT_SUFFIX)).forEach(f -> segments.put(
                    Long.parseLong(f.getFileName().toString().replace(SEGMENT_SUFFIX, "")), f));
        }
        nextSequence = acknowledged + 1;
        for (Map.Entry<Long, Path> segment : segments.entrySet()) {
            nextSequence = segment.getKey() + countAndTruncate(segment.getValue());
        }
        durableSequence = nextSequence - 1;
        if (segments.isEmpty() || nextSequence <= acknowledged) {
            // Nothing unacknowledged survives: start a fresh segment after the cursor.
            nextSequence = Math.max(nextSequence, acknowledged + 1);
            durableSequence = nextSequence - 1;
            startSegment();
        } else {
            active = FileChannel.open(segments.lastEntry().getValue(), StandardOpenOption.WRITE);
            writePosition = active.size();
            preallocate();
        }
        deleteAcknowledgedSegments();
        rewind();
    }

    /** Counts the whole records of a segment and cuts off a torn or corrupt tail. */
    private static long countAndTruncate(Path segment) throws IOException {
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long position = 0;
            long count = 0;
            while (true) {
                byte[] record = readRecord(channel, position);
                if (record == null) {
                    break;
                }
                position += HEADER_BYTES + record.length;
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
    private static byte[] readRecord(FileChannel channel, long position) throws IOException {
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

    private static int crc32c(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (int) crc.getValue();
    }

    /**
     * Queues a record for the writer; never blocks.
     *
     * @return completes with the record's sequence number once it is on disk; fails at once when the writer is this
     *         far behind (the queue is full) or the spool is closed, and later when the disk refuses the write
     */
    public CompletableFuture<Long> append(byte[] bytes) {
        if (bytes.length == 0) {
            throw new IllegalArgumentException("an empty record cannot be told from the end of a segment");
        }
        CompletableFuture<Long> durable = new CompletableFuture<>();
        if (closed || !queue.offer(new Pending(bytes, durable))) {
            durable.completeExceptionally(new IllegalStateException(
                    closed ? "the audit spool is closed" : "the audit spool's queue is full (the disk is too slow)"));
        }
        return durable;
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>();
        while (!closed || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, 1_000);
                long start = System.nanoTime();
                long sequence = writeDurably(batch);
                syncNanos.accept(System.nanoTime() - start);
                for (Pending pending : batch) {
                    pending.durable().complete(sequence++);
                }
            } catch (IOException | RuntimeException e) {
                batch.forEach(p -> p.durable().completeExceptionally(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
        }
    }

    /** @return the sequence number of the batch's first record (the others follow it) */
    private synchronized long writeDurably(List<Pending> batch) throws IOException {
        long first = nextSequence;
        for (Pending pending : batch) {
            ByteBuffer record = ByteBuffer.allocate(HEADER_BYTES + pending.bytes().length);
            // A record larger than a segment gets one of its own, which grows past the zero-filled size.
            if (writePosition > 0 && writePosition + record.capacity() > segmentBytes) {
                active.force(true);
                active.close();
                startSegment();
            }
            record.putInt(pending.bytes().length).putInt(crc32c(pending.bytes())).put(pending.bytes()).flip();
            while (record.hasRemaining()) {
                writePosition += active.write(record, writePosition);
            }
            nextSequence++;
        }
        active.force(false);
        durableSequence = nextSequence - 1;
        notifyAll();
        return first;
    }

    private void startSegment() throws IOException {
        Path segment = dir.resolve(String.format("%020d%s", nextSequence, SEGMENT_SUFFIX));
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

    /**
     * The next durable records in order, waiting up to {@code wait} for one to arrive.
     *
     * @return at most {@code max} entries; empty when none arrived in time
     */
    public synchronized List<Entry> next(int max, long wait, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(wait);
        while (readSequence > durableSequence && !closed) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return List.of();
            }
            TimeUnit.NANOSECONDS.timedWait(this, remaining);
        }
        List<Entry> entries = new ArrayList<>();
        try {
            while (entries.size() < max && readSequence <= durableSequence) {
                Map.Entry<Long, Path> segment = segments.floorEntry(readSequence);
                if (segment.getKey() != readSegment) {
                    // Sequential reading has just crossed into the next segment.
                    readSegment = segment.getKey();
                    readPosition = 0;
                }
                try (FileChannel channel = FileChannel.open(segment.getValue(), StandardOpenOption.READ)) {
                    long end = Math.min(durableSequence, segments.higherKey(readSegment) == null ? Long.MAX_VALUE
                            : segments.higherKey(readSegment) - 1);
                    while (entries.size() < max && readSequence <= end) {
                        byte[] bytes = readRecord(channel, readPosition);
                        if (bytes == null) {
                            throw new IOException("record " + readSequence + " is unreadable in "
                                    + segment.getValue());
                        }
                        entries.add(new Entry(readSequence, bytes));
                        readPosition += HEADER_BYTES + bytes.length;
                        readSequence++;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }

    /** Makes the reader hand out again everything after the last acknowledgement, e.g. after a failed delivery. */
    public synchronized void rewind() {
        readSequence = acknowledged + 1;
        Map.Entry<Long, Path> segment = segments.floorEntry(readSequence);
        readSegment = segment.getKey();
        readPosition = 0;
        try (FileChannel channel = FileChannel.open(segment.getValue(), StandardOpenOption.READ)) {
            for (long sequence = segment.getKey(); sequence < readSequence; sequence++) {
                readPosition += HEADER_BYTES + readRecord(channel, readPosition).length;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Durably records that every record up to {@code sequence} was delivered, and frees their segments. */
    public synchronized void acknowledge(long sequence) {
        if (sequence <= acknowledged) {
            return;
        }
        try {
            DurableFiles.replace(dir.resolve(CURSOR),
                    ByteBuffer.wrap(Long.toString(sequence).getBytes(StandardCharsets.US_ASCII)));
            acknowledged = sequence;
            deleteAcknowledgedSegments();
            DurableFiles.forceDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record audit spool progress in " + dir, e);
        }
    }

    /** Deletes every segment but the active one whose records are all acknowledged. */
    private void deleteAcknowledgedSegments() throws IOException {
        while (segments.size() > 1) {
            long following = segments.higherKey(segments.firstKey());
            if (following - 1 > acknowledged) {
                return;
            }
            Files.deleteIfExists(segments.pollFirstEntry().getValue());
        }
    }

    /** Records on disk not yet acknowledged. */
    public synchronized long backlog() {
        return durableSequence - acknowledged;
    }

    /** Writes what is queued, then closes; records appended after this fail. */
    @Override
    public void close() {
        closed = true;
        try {
            writer.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            notifyAll();
            try {
                active.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
