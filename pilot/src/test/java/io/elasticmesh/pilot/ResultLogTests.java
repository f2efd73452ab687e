package io.elasticmesh.pilot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultLogTests {

    private static Outcome outcome(String key) {
        return new Outcome(
                key,
                "d/1",
                "gold",
                "t=4,s=8",
                0,
                "OK",
                null,
                "m",
                4,
                8,
                10,
                4,
                3,
                true,
                false,
                false,
                12,
                1000,
                "\\boxed{1}",
                "r");
    }

    @Test
    void aReopenedLogHoldsWhatWasWrittenAndCutsATornLastLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("results.jsonl");
        try (ResultLog log = ResultLog.open(file)) {
            log.append(outcome("a"));
            log.append(outcome("b"));
        }
        // a kill in the middle of a write
        Files.writeString(file, "{\"key\":\"c\",\"ite", StandardOpenOption.APPEND);

        try (ResultLog log = ResultLog.open(file)) {
            assertThat(log.has("a")).isTrue();
            assertThat(log.has("b")).isTrue();
            assertThat(log.has("c")).isFalse();
            assertThat(log.outcomes()).containsExactly(outcome("a"), outcome("b"));
            log.append(outcome("c"));
        }
        assertThat(Files.readAllLines(file)).hasSize(3);
        assertThat(ResultLog.open(file).outcomes()).extracting(Outcome::key).containsExactly("a", "b", "c");
    }
}
