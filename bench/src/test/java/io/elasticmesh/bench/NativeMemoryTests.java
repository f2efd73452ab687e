package io.elasticmesh.bench;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NativeMemoryTests {

    /** The head of budget-router's {@code jcmd PID VM.native_memory summary scale=KB} under the benchmark's load. */
    private static final String SUMMARY = """
            9009:

            Native Memory Tracking:

            (Omitting categories weighting less than 1KB)

            Total: reserved=484543KB, committed=173435KB
                   malloc: 45099KB #326470
                   mmap:   reserved=439444KB, committed=128336KB

            -                 Java Heap (reserved=196608KB, committed=49152KB)
                                        (mmap: reserved=196608KB, committed=49152KB)

            -                     Class (reserved=82907KB, committed=7643KB)
                                        (classes #11079)
                                        (malloc=987KB #23873) (at peak)

            -                    Thread (reserved=28751KB, committed=2463KB)
                                        (thread #28)
                                        (stack: reserved=28672KB, committed=2384KB)

            -                        GC (reserved=767KB, committed=191KB)
                                        (malloc=23KB #79) (peak=175KB #117)

            -    Native Memory Tracking (reserved=4096KB, committed=4096KB)
                                        (tracking overhead=4000KB)

            -                 Metaspace (reserved=65536KB, committed=47680KB)
            """;

    @Test
    void committedMegabytesByCategoryLargestFirstAfterTheTotalAndNothingUnderOneMegabyte() {
        assertThat(NativeMemory.parse(SUMMARY))
                .containsExactly(
                        entry("Total", 173435 / 1024.0),
                        entry("Java Heap", 48.0),
                        entry("Metaspace", 47680 / 1024.0),
                        entry("Class", 7643 / 1024.0),
                        entry("Native Memory Tracking", 4.0),
                        entry("Thread", 2463 / 1024.0));
    }

    @Test
    void aJcmdThatFailedGivesNoCategories() {
        assertThat(NativeMemory.parse("9009:\nNative memory tracking is not enabled\n"))
                .isEmpty();
    }
}
