package io.elasticmesh.pilot;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The results file: one {@link Outcome} a line, appended and flushed as each answer arrives, so a run killed at
 * any point loses at most the requests in flight. Reopening it continues the run: the outcomes already there are
 * not asked for again. A line torn by the kill (the last one, without its newline) is cut off.
 */
public final class ResultLog implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Outcome> outcomes;
    private final BufferedWriter writer;

    private ResultLog(Map<String, Outcome> outcomes, BufferedWriter writer) {
        this.outcomes = outcomes;
        this.writer = writer;
    }

    /** Opens (or creates) {@code file}, reading what an earlier run of the same plan wrote. */
    public static ResultLog open(Path file) {
        try {
            Map<String, Outcome> outcomes = new LinkedHashMap<>();
            if (Files.exists(file)) {
                byte[] bytes = Files.readAllBytes(file);
                int end = bytes.length;
                while (end > 0 && bytes[end - 1] != '\n') {
                    end--; // a torn last line: the request it was for is asked again
                }
                if (end < bytes.length) {
                    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                        channel.truncate(end);
                    }
                }
                String[] lines = new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n");
                for (int i = 0; i < lines.length; i++) {
                    if (lines[i].isBlank()) {
                        continue;
                    }
                    Outcome outcome;
                    try {
                        outcome = JSON.readValue(lines[i], Outcome.class);
                    } catch (IOException e) {
                        throw new IllegalArgumentException(file + " line " + (i + 1) + ": not a pilot result", e);
                    }
                    outcomes.put(outcome.key(), outcome);
                }
            } else {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            BufferedWriter writer = Files.newBufferedWriter(
                    file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return new ResultLog(outcomes, writer);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    public synchronized boolean has(String key) {
        return outcomes.containsKey(key);
    }

    /** Appends one outcome and flushes it to the file. */
    public synchronized void append(Outcome outcome) {
        try {
            writer.write(JSON.writeValueAsString(outcome));
            writer.write('\n');
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        outcomes.put(outcome.key(), outcome);
    }

    public synchronized List<Outcome> outcomes() {
        return new ArrayList<>(outcomes.values());
    }

    @Override
    public synchronized void close() throws IOException {
        writer.close();
    }
}
