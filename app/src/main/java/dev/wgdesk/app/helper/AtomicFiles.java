package dev.wgdesk.app.helper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * Crash-safe file operations: after a crash or power loss at any moment, a file written with
 * {@link #write} holds either its old or its new contents, never a mix, and a completed
 * {@link #move}/{@link #delete} survives.
 *
 * <p>How: the new contents go to a temporary file in the same directory (mode 0600 from
 * creation), which is written, flushed to disk ({@link FileChannel#force(boolean) fsync}), and
 * renamed over the target ({@code rename(2)} is atomic within a file system); then the directory
 * itself is fsynced so the rename is durable. Temporary files end in {@value #TEMP_SUFFIX}; a
 * crash can leave one behind, which {@link #removeTemporaryFiles} deletes.
 *
 * <p>Not instantiable; the methods are thread-safe as far as the file system is, but callers
 * serialise operations on the same names (the existence checks in {@link #move} are not atomic
 * with the rename).
 */
final class AtomicFiles {
    /** Suffix of temporary files. */
    static final String TEMP_SUFFIX = ".tmp";
    static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");

    private static final SecureRandom RANDOM = new SecureRandom();

    private AtomicFiles() {}

    /**
     * Replaces (or creates) {@code target} with {@code data}, atomically and durably, mode 0600.
     */
    static void write(Path target, byte[] data) throws IOException {
        Path dir = parentOf(target);
        Path tmp = dir.resolve(target.getFileName() + "." + HexFormat.of().formatHex(randomBytes()) + TEMP_SUFFIX);
        try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(FILE_MODE))) {
            ByteBuffer buf = ByteBuffer.wrap(data);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        syncDirectory(dir);
    }

    /**
     * Renames {@code from} to {@code to} in the same directory, atomically and durably.
     *
     * @throws NoSuchFileException        if {@code from} does not exist
     * @throws FileAlreadyExistsException if {@code to} exists
     */
    static void move(Path from, Path to) throws IOException {
        if (!Files.exists(from, LinkOption.NOFOLLOW_LINKS)) {
            throw new NoSuchFileException(from.toString());
        }
        if (Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(to.toString());
        }
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(parentOf(to));
        if (!parentOf(from).equals(parentOf(to))) {
            syncDirectory(parentOf(from));
        }
    }

    /** Deletes {@code file} durably; false if it did not exist. */
    static boolean delete(Path file) throws IOException {
        boolean existed = Files.deleteIfExists(file);
        if (existed) {
            syncDirectory(parentOf(file));
        }
        return existed;
    }

    /**
     * Creates {@code dir} (and its parents) if needed and makes it mode 0700, which it must be
     * because it holds private keys.
     */
    static void ensurePrivateDirectory(Path dir) throws IOException {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(dir + " is not a directory");
        }
        if (!Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS).equals(DIR_MODE)) {
            Files.setPosixFilePermissions(dir, DIR_MODE);
        }
    }

    /** Deletes the temporary files a crash left in {@code dir}; returns how many. */
    static int removeTemporaryFiles(Path dir) throws IOException {
        int n = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + TEMP_SUFFIX)) {
            for (Path f : files) {
                if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) && Files.deleteIfExists(f)) {
                    n++;
                }
            }
        }
        if (n > 0) {
            syncDirectory(dir);
        }
        return n;
    }

    /** fsync of a directory, making renames and unlinks in it durable. */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static Path parentOf(Path p) {
        Path parent = p.toAbsolutePath().getParent();
        if (parent == null) {
            throw new IllegalArgumentException("no parent directory: " + p);
        }
        return parent;
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        return b;
    }
}
