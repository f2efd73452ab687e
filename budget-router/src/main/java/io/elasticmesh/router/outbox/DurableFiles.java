package io.elasticmesh.router.outbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Files replaced atomically: written aside, fsynced, renamed. The rename is durable once the caller has forced the
 * directory (once, after all its renames and deletions).
 */
final class DurableFiles {

    private DurableFiles() {}

    static void replace(Path target, ByteBuffer content) throws IOException {
        Path aside = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(
                aside, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            while (content.hasRemaining()) {
                out.write(content);
            }
            out.force(true);
        }
        Files.move(aside, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Makes a created, renamed or deleted file name durable. */
    static void forceDirectory(Path dir) throws IOException {
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        }
    }
}
