package io.elasticmesh.router.outbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Spool records that can never be delivered, kept out of the delivery path so that they block no other record: one
 * file per record in a directory of its own, named by the record's spool sequence, holding why it was refused and
 * its bytes. A record is written here durably before the spool moves past it, so it is always in one place or the
 * other (after a crash in between, in both: quarantining it again overwrites the same file).
 */
public final class AuditQuarantine {

    /** A quarantined record: its spool sequence, bytes, why it cannot be delivered and when it was quarantined. */
    public record Entry(long sequence, byte[] bytes, String reason, Instant quarantinedAt) {}

    private static final String SUFFIX = ".quarantined";

    private final Path dir;

    public AuditQuarantine(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the audit quarantine " + dir, e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** Durably stores {@code bytes}, refused for {@code reason}, under spool sequence {@code sequence}. */
    public void put(long sequence, byte[] bytes, String reason) {
        byte[] why = reason.getBytes(StandardCharsets.UTF_8);
        ByteBuffer content = ByteBuffer.allocate(Integer.BYTES + why.length + bytes.length);
        content.putInt(why.length).put(why).put(bytes).flip();
        try {
            DurableFiles.replace(file(sequence), content);
            DurableFiles.forceDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot quarantine spool record " + sequence + " in " + dir, e);
        }
    }

    /** Every quarantined record, lowest sequence first. */
    public List<Entry> list() {
        List<Entry> entries = new ArrayList<>();
        for (long sequence : sequences()) {
            get(sequence).ifPresent(entries::add);
        }
        return entries;
    }

    /** How many records are quarantined. */
    public int size() {
        return sequences().size();
    }

    public Optional<Entry> get(long sequence) {
        Path file = file(sequence);
        try {
            ByteBuffer content = ByteBuffer.wrap(Files.readAllBytes(file));
            byte[] why = new byte[content.getInt()];
            content.get(why);
            byte[] bytes = new byte[content.remaining()];
            content.get(bytes);
            return Optional.of(new Entry(
                    sequence,
                    bytes,
                    new String(why, StandardCharsets.UTF_8),
                    Files.getLastModifiedTime(file).toInstant()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read quarantined spool record " + sequence + " in " + dir, e);
        }
    }

    /** Deletes a record, e.g. once it is back in the spool. */
    public void remove(long sequence) {
        try {
            Files.deleteIfExists(file(sequence));
            DurableFiles.forceDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove quarantined spool record " + sequence + " in " + dir, e);
        }
    }

    private List<Long> sequences() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(name -> name.endsWith(SUFFIX))
                    .map(name -> Long.parseLong(name.substring(0, name.length() - SUFFIX.length())))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the audit quarantine " + dir, e);
        }
    }

    private Path file(long sequence) {
        return dir.resolve(String.format("%020d%s", sequence, SUFFIX));
    }
}
