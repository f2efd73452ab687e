package io.elasticmesh.router.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reader's place and its acknowledgement, over segments written directly. */
class SpoolCursorTests {

    @TempDir
    Path dir;

    private SpoolSegments segmentsWith(int records) throws IOException {
        SpoolSegments segments = SpoolSegments.recover(dir, 40, SpoolCursor.acknowledged(dir));
        segments.append(IntStream.range(0, records)
                .mapToObj(i -> ("record-" + i).getBytes(StandardCharsets.UTF_8))
                .toList());
        return segments;
    }

    private static List<String> texts(List<AuditSpool.Entry> entries) {
        return entries.stream()
                .map(e -> e.sequence() + ":" + new String(e.bytes(), StandardCharsets.UTF_8))
                .toList();
    }

    @Test
    void theReaderHandsOutRecordsInOrderAcrossSegmentsButNoneBeyondTheDurableOnes() throws IOException {
        SpoolSegments segments = segmentsWith(6);
        SpoolCursor cursor = new SpoolCursor(dir, segments, 0);

        assertThat(texts(cursor.next(3, 6))).containsExactly("1:record-0", "2:record-1", "3:record-2");
        assertThat(texts(cursor.next(10, 4))).containsExactly("4:record-3");
        assertThat(cursor.next(10, 4)).isEmpty();
        segments.close();
    }

    @Test
    void anAcknowledgementIsDurableAndTheReaderResumesRightAfterIt() throws IOException {
        SpoolSegments segments = segmentsWith(6);
        SpoolCursor cursor = new SpoolCursor(dir, segments, 0);
        cursor.next(4, 6);
        cursor.acknowledge(3);
        segments.close();

        assertThat(SpoolCursor.acknowledged(dir)).isEqualTo(3);
        SpoolSegments reopened = SpoolSegments.recover(dir, 40, 3);
        SpoolCursor resumed = new SpoolCursor(dir, reopened, SpoolCursor.acknowledged(dir));
        assertThat(texts(resumed.next(10, reopened.lastSequence())))
                .containsExactly("4:record-3", "5:record-4", "6:record-5");
        reopened.close();
    }

    @Test
    void rewindHandsOutAgainEverythingAfterTheAcknowledgementEvenMidSegment() throws IOException {
        SpoolSegments segments = segmentsWith(6);
        SpoolCursor cursor = new SpoolCursor(dir, segments, 0);
        cursor.next(6, 6);
        cursor.acknowledge(4);
        cursor.acknowledge(2);

        cursor.rewind();

        assertThat(cursor.acknowledged()).isEqualTo(4);
        assertThat(texts(cursor.next(10, 6))).containsExactly("5:record-4", "6:record-5");
        segments.close();
    }

    @Test
    void acknowledgingFreesTheSegmentsItCovers() throws IOException {
        SpoolSegments segments = segmentsWith(6);
        SpoolCursor cursor = new SpoolCursor(dir, segments, 0);

        cursor.acknowledge(4);

        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())
                            .filter(n -> n.endsWith(".seg"))
                            .sorted())
                    .containsExactly("00000000000000000005.seg");
        }
        segments.close();
    }
}
