package io.elasticmesh.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.List;
import java.util.UUID;

/**
 * Where a cluster asked for at some path really lives. PostgreSQL refuses to run as root, so a root JVM runs it as
 * the {@code postgres} user, which must reach the data directory: a checkout in a private directory (root's home,
 * any {@code mktemp -d}, both mode 700) is out of its reach, and the mesh must not open the user's directories to
 * it. Then the cluster lives in a 0700 directory of the {@code postgres} user's own under {@link #BASE} and the path
 * asked for becomes a symbolic link to it, so a later start finds the same data; {@link #delete} removes both, and
 * each placement deletes the relocated clusters whose link is gone (their checkout or work directory was deleted).
 */
public final class PostgresDataDirectory {

    /** World-traversable ({@code /var/tmp} is 1777) and kept across reboots, like the work directory it stands for. */
    static final Path BASE = Path.of("/var/tmp/elastic-mesh-postgres");
    /** Beside each relocated cluster, root's record of the link that points to it. */
    private static final String LINK_RECORD = ".link";

    private PostgresDataDirectory() {}

    /**
     * The directory to give {@code initdb} and {@code postgres} for a cluster asked for at {@code dataDir}: the path
     * itself, unless this JVM is root and the {@code postgres} user cannot reach it.
     */
    static Path place(Path dataDir) throws IOException {
        Path asked = dataDir.toAbsolutePath().normalize();
        if (!PostgresProcess.root()) {
            return asked;
        }
        Files.createDirectories(asked.getParent());
        collectOrphans();
        if (Files.isSymbolicLink(asked)) {
            Path target = Files.readSymbolicLink(asked);
            if (Files.isDirectory(target) && target.startsWith(BASE)) {
                return target;
            }
            Files.delete(asked); // its cluster is gone (e.g. /var/tmp was emptied): start a new one
        }
        if (serverCanReach(asked.getParent())) {
            return asked;
        }
        if (Files.exists(asked.resolve("PG_VERSION"))) {
            throw new IllegalStateException("the cluster in " + asked + " is out of the postgres user's reach; move "
                    + "it, or delete it to start a new one");
        }
        Directories.deleteRecursively(asked); // a directory an earlier failed start left empty
        return relocate(asked);
    }

    /** Deletes the cluster asked for at {@code dataDir}, wherever it lives; nothing happens when there is none. */
    public static void delete(Path dataDir) {
        Path asked = dataDir.toAbsolutePath().normalize();
        try {
            if (Files.isSymbolicLink(asked)) {
                Path target = Files.readSymbolicLink(asked);
                Files.delete(asked);
                if (target.startsWith(BASE)) {
                    deleteRelocated(target);
                }
            } else {
                Directories.deleteRecursively(asked);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + asked, e);
        }
    }

    /** Whether every directory down to {@code dir} lets the postgres user through (as the kernel decides). */
    private static boolean serverCanReach(Path dir) throws IOException {
        List<String> test = PostgresProcess.asServerUser(List.of("test", "-x", dir.toString()));
        try {
            return new ProcessBuilder(test)
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .start()
                            .waitFor()
                    == 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking " + dir, e);
        }
    }

    /**
     * A fresh cluster directory under {@link #BASE}, linked from {@code asked}. The link and its record are written
     * before the directory, so a concurrent {@link #collectOrphans} never takes a directory for an orphan.
     */
    private static Path relocate(Path asked) throws IOException {
        Files.createDirectories(BASE);
        Files.setPosixFilePermissions(BASE, PosixFilePermissions.fromString("rwx--x--x")); // traverse, not list
        Path target = BASE.resolve(UUID.randomUUID().toString());
        Files.createSymbolicLink(asked, target);
        Files.writeString(record(target), asked.toString());
        Files.createDirectory(
                target, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        UserPrincipalLookupService users = target.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView owner = Files.getFileAttributeView(target, PosixFileAttributeView.class);
        owner.setOwner(users.lookupPrincipalByName("postgres"));
        owner.setGroup(users.lookupPrincipalByGroupName("postgres"));
        return target;
    }

    /** Relocated clusters whose link no longer points to them: nobody can start them again. */
    private static void collectOrphans() throws IOException {
        if (!Files.isDirectory(BASE)) {
            return;
        }
        try (DirectoryStream<Path> entries =
                Files.newDirectoryStream(BASE, p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))) {
            for (Path target : entries) {
                Path record = record(target);
                Path link =
                        Files.exists(record) ? Path.of(Files.readString(record).strip()) : null;
                boolean linked = link != null
                        && Files.isSymbolicLink(link)
                        && Files.readSymbolicLink(link).equals(target);
                if (!linked) {
                    deleteRelocated(target);
                }
            }
        }
    }

    private static void deleteRelocated(Path target) throws IOException {
        Directories.deleteRecursively(target);
        Files.deleteIfExists(record(target));
    }

    private static Path record(Path target) {
        return target.resolveSibling(target.getFileName() + LINK_RECORD);
    }
}
