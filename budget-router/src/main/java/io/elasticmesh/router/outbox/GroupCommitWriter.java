package io.elasticmesh.router.outbox;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * One thread that writes queued records durably in groups: every record queued while the previous group's fsync ran
 * shares the next one. A record's future completes with its sequence number once it is on disk.
 */
final class GroupCommitWriter {

    /** Writes a group durably. */
    interface Disk {
        /** @return the sequence number of the group's first record (the others follow it) */
        long writeDurably(List<byte[]> records) throws IOException;
    }

    private record Pending(byte[] bytes, CompletableFuture<Long> durable) {}

    private static final int MAX_GROUP = 1_000;

    private final BlockingQueue<Pending> queue;
    private final Disk disk;
    private final LongConsumer syncNanos;
    private final Thread thread;
    private volatile boolean closed;

    /**
     * @param queueCapacity records that may wait; beyond it {@link #offer} fails at once
     * @param syncNanos told how long each group's write and fsync took, in nanoseconds (the disk's share)
     */
    GroupCommitWriter(String name, int queueCapacity, Disk disk, LongConsumer syncNanos) {
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.disk = disk;
        this.syncNanos = syncNanos;
        this.thread = new Thread(this::writeLoop, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /**
     * Queues a record; never blocks.
     *
     * @return completes with the record's sequence number once it is on disk; fails at once when the writer is this
     *         far behind (the queue is full) or closed, and later when the disk refuses the write
     */
    CompletableFuture<Long> offer(byte[] bytes) {
        CompletableFuture<Long> durable = new CompletableFuture<>();
        if (closed || !queue.offer(new Pending(bytes, durable))) {
            durable.completeExceptionally(new IllegalStateException(
                    closed ? "the audit spool is closed" : "the audit spool's queue is full (the disk is too slow)"));
        }
        return durable;
    }

    private void writeLoop() {
        List<Pending> group = new ArrayList<>();
        while (!closed || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                queue.drainTo(group, MAX_GROUP);
                long start = System.nanoTime();
                long sequence =
                        disk.writeDurably(group.stream().map(Pending::bytes).toList());
                syncNanos.accept(System.nanoTime() - start);
                for (Pending pending : group) {
                    pending.durable().complete(sequence++);
                }
            } catch (IOException | RuntimeException e) {
                group.forEach(p -> p.durable().completeExceptionally(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                group.clear();
            }
        }
    }

    /** Writes what is queued, waiting up to 10 s for it; records offered after this fail. */
    void close() {
        closed = true;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
