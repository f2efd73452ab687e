package io.elasticmesh.router.outbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * A durable, ordered, append-only log of records on local disk: the write-ahead copy of every audit event before it
 * is delivered. The records sit in {@link SpoolSegments}; a {@link GroupCommitWriter} appends and fsyncs them in
 * groups, and {@link #append} completes when its record is on disk; a reader takes durable records in order through
 * the {@link SpoolCursor} and {@link #acknowledge}s them once delivered.
 *
 * <p>After a crash, {@link #open} keeps every record whose fsync completed, drops a torn last record, and the reader
 * resumes right after the last acknowledgement: a record is never lost once {@code append} completed, and is
 * handed out again only if it was delivered but its acknowledgement had not reached the disk.
 */
public final class AuditSpool implements AutoCloseable {

    /** A record and its sequence number. */
    public record Entry(long sequence, byte[] bytes) {}

    private final SpoolSegments segments;
    private final SpoolCursor cursor;
    private final GroupCommitWriter writer;
    private long durableSequence;
    private volatile boolean closed;

    private AuditSpool(Path dir, SpoolSegments segments, long acknowledged, int queueCapacity, LongConsumer syncNanos) {
        this.segments = segments;
        this.cursor = new SpoolCursor(dir, segments, acknowledged);
        this.durableSequence = segments.lastSequence();
        this.writer = new GroupCommitWriter("audit-spool-writer", queueCapacity, this::writeDurably, syncNanos);
    }

    /**
     * Opens (creating if needed) the spool in {@code dir}, recovering from whatever a crash left.
     *
     * @param segmentBytes size after which a new segment file is started
     * @param queueCapacity records that may wait for the writer; beyond it {@link #append} fails at once
     */
    public static AuditSpool open(Path dir, long segmentBytes, int queueCapacity) {
        return open(dir, segmentBytes, queueCapacity, nanos -> {});
    }

    /** @param syncNanos told how long each group's write and fsync took, in nanoseconds (the disk's share) */
    public static AuditSpool open(Path dir, long segmentBytes, int queueCapacity, LongConsumer syncNanos) {
        AuditSpool spool;
        try {
            long acknowledged = SpoolCursor.acknowledged(dir);
            spool = new AuditSpool(
                    dir,
                    SpoolSegments.recover(dir, segmentBytes, acknowledged),
                    acknowledged,
                    queueCapacity,
                    syncNanos);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the audit spool in " + dir, e);
        }
        spool.writer.start();
        return spool;
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
        return writer.offer(bytes);
    }

    private synchronized long writeDurably(List<byte[]> records) throws IOException {
        long first = segments.append(records);
        durableSequence = segments.lastSequence();
        notifyAll();
        return first;
    }

    /**
     * The next durable records in order, waiting up to {@code wait} for one to arrive.
     *
     * @return at most {@code max} entries; empty when none arrived in time
     */
    public synchronized List<Entry> next(int max, long wait, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(wait);
        while (cursor.readSequence() > durableSequence && !closed) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return List.of();
            }
            TimeUnit.NANOSECONDS.timedWait(this, remaining);
        }
        return cursor.next(max, durableSequence);
    }

    /** Makes the reader hand out again everything after the last acknowledgement, e.g. after a failed delivery. */
    public synchronized void rewind() {
        cursor.rewind();
    }

    /** Durably records that every record up to {@code sequence} was delivered, and frees their segments. */
    public synchronized void acknowledge(long sequence) {
        cursor.acknowledge(sequence);
    }

    /** Records on disk not yet acknowledged. */
    public synchronized long backlog() {
        return durableSequence - cursor.acknowledged();
    }

    /** Writes what is queued, then closes; records appended after this fail. */
    @Override
    public void close() {
        closed = true;
        writer.close();
        synchronized (this) {
            notifyAll();
            try {
                segments.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
