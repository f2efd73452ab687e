package io.elasticmesh.router.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditSpoolTests {

    @TempDir
    Path dir;

    private static byte[] record(int i) {
        return ("event-" + i).getBytes(StandardCharsets.UTF_8);
    }

    private static void appendAll(AuditSpool spool, int from, int to) {
        CompletableFuture.allOf(IntStream.range(from, to)
                        .mapToObj(i -> spool.append(record(i)))
                        .toArray(CompletableFuture[]::new))
                .join();
    }

    private static List<String> drain(AuditSpool spool) throws InterruptedException {
        List<String> read = new ArrayList<>();
        List<AuditSpool.Entry> batch;
        while (!(batch = spool.next(7, 50, TimeUnit.MILLISECONDS)).isEmpty()) {
            batch.forEach(e -> read.add(new String(e.bytes(), StandardCharsets.UTF_8)));
        }
        return read;
    }

    private static List<String> names(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "event-" + i).toList();
    }

    @Test
    void appendReportsEachRecordsSequenceNumber() throws Exception {
        try (AuditSpool spool = AuditSpool.open(dir, 1 << 20, 100)) {
            appendAll(spool, 0, 3);

            assertThat(spool.append(record(3)).get()).isEqualTo(4);
            assertThat(spool.next(10, 0, TimeUnit.MILLISECONDS).get(3).sequence())
                    .isEqualTo(4);
        }
    }

    @Test
    void recordsAreHandedOutInAppendOrder() throws Exception {
        try (AuditSpool spool = AuditSpool.open(dir, 1 << 20, 100)) {
            appendAll(spool, 0, 20);

            assertThat(drain(spool)).isEqualTo(names(0, 20));
        }
    }

    @Test
    void onlyUnacknowledgedRecordsComeBackAfterAStop() throws Exception {
        try (AuditSpool spool = AuditSpool.open(dir, 1 << 20, 100)) {
            appendAll(spool, 0, 10);
            List<AuditSpool.Entry> sent = spool.next(4, 1, TimeUnit.SECONDS);
            spool.acknowledge(sent.get(3).sequence());
            // Delivered but not acknowledged when the router stopped: handed out again.
            spool.next(3, 1, TimeUnit.SECONDS);
        }
        try (AuditSpool reopened = AuditSpool.open(dir, 1 << 20, 100)) {
            assertThat(reopened.backlog()).isEqualTo(6);
            assertThat(drain(reopened)).isEqualTo(names(4, 10));
            appendAll(reopened, 10, 12);
            assertThat(drain(reopened)).isEqualTo(names(10, 12));
        }
    }

    @Test
    void rewindHandsOutEverythingAfterTheLastAcknowledgementAgain() throws Exception {
        try (AuditSpool spool = AuditSpool.open(dir, 64, 100)) {
            appendAll(spool, 0, 10);
            spool.acknowledge(spool.next(3, 1, TimeUnit.SECONDS).get(2).sequence());
            drain(spool);

            spool.rewind();

            assertThat(drain(spool)).isEqualTo(names(3, 10));
        }
    }

    @Test
    void tornLastRecordIsDroppedAndEverythingBeforeItKept() throws Exception {
        try (AuditSpool spool = AuditSpool.open(dir, 1 << 20, 100)) {
            appendAll(spool, 0, 5);
        }
        // A crash in the middle of writing a sixth record, right after the fifth: a header promising more bytes than
        // follow.
        long end = 5L * (8 + record(0).length);
        try (FileChannel segment = FileChannel.open(segments().get(0), StandardOpenOption.WRITE)) {
            segment.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 40, 1, 2, 3, 4, 'x'}), end);
        }

        try (AuditSpool reopened = AuditSpool.open(dir, 1 << 20, 100)) {
            appendAll(reopened, 5, 7);

            assertThat(drain(reopened)).isEqualTo(names(0, 7));
        }
    }

    @Test
    void segmentsAreZeroFilledToTheirSizeSoAppendsNeverGrowAFile() throws Exception {
        try (AuditSpool spool = AuditSpool.open(dir, 4096, 100)) {
            appendAll(spool, 0, 5);
            assertThat(Files.size(segments().get(0))).isEqualTo(4096);
        }
        try (AuditSpool reopened = AuditSpool.open(dir, 4096, 100)) {
            appendAll(reopened, 5, 7);

            assertThat(drain(reopened)).isEqualTo(names(0, 7));
            assertThat(segments()).hasSize(1);
            assertThat(Files.size(segments().get(0))).isEqualTo(4096);
        }
    }

    @Test
    void emptyRecordsAreRefusedBecauseZeroLengthMarksTheEnd() {
        try (AuditSpool spool = AuditSpool.open(dir, 4096, 100)) {
            assertThatThrownBy(() -> spool.append(new byte[0])).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void deliveredSegmentsAreDeleted() throws Exception {
        try (AuditSpool spool = AuditSpool.open(dir, 64, 100)) {
            appendAll(spool, 0, 30);
            assertThat(segments()).hasSizeGreaterThan(3);

            List<AuditSpool.Entry> all = spool.next(100, 1, TimeUnit.SECONDS);
            spool.acknowledge(all.get(all.size() - 1).sequence());

            assertThat(segments()).hasSize(1);
            assertThat(spool.backlog()).isZero();
        }
    }

    @Test
    void appendFailsAtOnceWhenClosed() {
        AuditSpool spool = AuditSpool.open(dir, 1 << 20, 100);
        spool.close();

        assertThat(spool.append(record(1))).isCompletedExceptionally();
    }

    @Property(tries = 40)
    void acrossStopsEveryAppendedRecordIsHandedOutUntilAcknowledgedInOrder(
            @ForAll @IntRange(min = 1, max = 40) int appended,
            @ForAll @IntRange(min = 0, max = 40) int delivered,
            @ForAll @IntRange(min = 16, max = 256) int segmentBytes)
            throws Exception {
        Path spoolDir = Files.createTempDirectory("spool");
        int acknowledged = Math.min(delivered, appended);
        try (AuditSpool spool = AuditSpool.open(spoolDir, segmentBytes, 100)) {
            appendAll(spool, 0, appended);
            if (acknowledged > 0) {
                spool.acknowledge(spool.next(acknowledged, 1, TimeUnit.SECONDS)
                        .get(acknowledged - 1)
                        .sequence());
            }
        }
        try (AuditSpool reopened = AuditSpool.open(spoolDir, segmentBytes, 100)) {
            assertThat(drain(reopened)).isEqualTo(names(acknowledged, appended));
        } finally {
            deleteRecursively(spoolDir);
        }
    }

    private List<Path> segments() throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".seg")).sorted().toList();
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
