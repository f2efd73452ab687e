package io.elasticmesh.router.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The segment files on their own: framing, recovery after a crash, and which segments may go. */
class SpoolSegmentsTests {

    @TempDir
    Path dir;

    private static List<byte[]> records(int from, int to) {
        return IntStream.range(from, to)
                .mapToObj(i -> ("record-" + i).getBytes(StandardCharsets.UTF_8))
                .toList();
    }

    private List<Path> files() throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".seg")).sorted().toList();
        }
    }

    private static List<String> readAll(Path segment) throws IOException {
        List<String> read = new ArrayList<>();
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ)) {
            long position = 0;
            byte[] record;
            while ((record = SpoolSegments.read(channel, position)) != null) {
                read.add(new String(record, StandardCharsets.UTF_8));
                position += SpoolSegments.framedSize(record);
            }
        }
        return read;
    }

    @Test
    void recoveryCutsATornTailOffTheFileAndNumbersOnFromTheLastWholeRecord() throws IOException {
        SpoolSegments segments = SpoolSegments.recover(dir, 4096, 0);
        assertThat(segments.append(records(0, 3))).isEqualTo(1);
        segments.close();
        long end = 3 * SpoolSegments.framedSize(records(0, 1).get(0));
        try (FileChannel segment = FileChannel.open(files().get(0), StandardOpenOption.WRITE)) {
            // A header promising 40 bytes, of which one was written before the crash.
            segment.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 40, 1, 2, 3, 4, 'x'}), end);
        }

        SpoolSegments recovered = SpoolSegments.recover(dir, 4096, 0);

        assertThat(recovered.lastSequence()).isEqualTo(3);
        assertThat(readAll(files().get(0))).containsExactly("record-0", "record-1", "record-2");
        // The torn bytes are gone and the segment zero-filled again, so the next record starts where they were.
        assertThat(recovered.append(records(3, 4))).isEqualTo(4);
        recovered.close();
        assertThat(readAll(files().get(0))).containsExactly("record-0", "record-1", "record-2", "record-3");
    }

    @Test
    void aRecordWhoseChecksumDoesNotMatchEndsTheSegment() throws IOException {
        SpoolSegments segments = SpoolSegments.recover(dir, 4096, 0);
        segments.append(records(0, 3));
        segments.close();
        long second = SpoolSegments.framedSize(records(0, 1).get(0));
        try (FileChannel segment = FileChannel.open(files().get(0), StandardOpenOption.WRITE)) {
            segment.write(ByteBuffer.wrap(new byte[] {'#'}), second + 8);
        }

        SpoolSegments recovered = SpoolSegments.recover(dir, 4096, 0);
        recovered.close();

        assertThat(recovered.lastSequence()).isEqualTo(1);
        assertThat(readAll(files().get(0))).containsExactly("record-0");
    }

    @Test
    void onlySegmentsWhoseRecordsAreAllAcknowledgedAreDeletedAndNeverTheActiveOne() throws IOException {
        // Two 16-byte records per 40-byte segment: 1-2, 3-4, 5-6.
        SpoolSegments segments = SpoolSegments.recover(dir, 40, 0);
        segments.append(records(0, 6));
        assertThat(files()).hasSize(3);

        segments.deleteThrough(3);
        assertThat(files())
                .extracting(f -> f.getFileName().toString())
                .containsExactly("00000000000000000003.seg", "00000000000000000005.seg");
        assertThat(segments.segmentOf(4).getKey()).isEqualTo(3);
        assertThat(segments.lastSequenceOf(3)).isEqualTo(4);

        segments.deleteThrough(6);
        assertThat(files()).hasSize(1);
        segments.close();
    }

    @Test
    void whenEverythingWasAcknowledgedAFreshSegmentStartsAfterTheAcknowledgement() throws IOException {
        SpoolSegments segments = SpoolSegments.recover(dir, 40, 0);
        segments.append(records(0, 4));
        segments.close();
        for (Path file : files()) {
            Files.delete(file);
        }

        SpoolSegments recovered = SpoolSegments.recover(dir, 40, 4);

        assertThat(recovered.lastSequence()).isEqualTo(4);
        assertThat(recovered.append(records(4, 5))).isEqualTo(5);
        recovered.close();
        assertThat(files()).extracting(f -> f.getFileName().toString()).containsExactly("00000000000000000005.seg");
    }
}
