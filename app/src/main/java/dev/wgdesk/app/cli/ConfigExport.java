package dev.wgdesk.app.cli;

import dev.wgdesk.engine.config.ConfigException;
import dev.wgdesk.engine.config.NmExport;
import dev.wgdesk.engine.config.NmKeyfile;
import dev.wgdesk.engine.config.TunnelConfig;
import dev.wgdesk.engine.config.TunnelName;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;

/**
 * What {@code wgdesk export} writes: the tunnel as a NetworkManager keyfile, and a secret file
 * written the safe way (owner-only from its creation, complete or not at all).
 */
final class ConfigExport {
    private ConfigExport() {}

    /** A keyfile and what it could not express. */
    record Result(String text, List<String> warnings) {}

    /**
     * The helper's wg-quick text of tunnel {@code name} as a NetworkManager keyfile with a new
     * UUID.
     *
     * @throws IllegalStateException if the helper's text does not parse (it validated it on import)
     */
    static Result toKeyfile(String name, String wgQuickText) {
        TunnelConfig c;
        try {
            c = TunnelConfig.parse(name + ".conf", wgQuickText);
        } catch (ConfigException e) {
            throw new IllegalStateException("the helper returned a configuration that does not parse: " + e.getMessage(), e);
        }
        try {
            NmExport e = NmKeyfile.write(TunnelName.of(name), c, UUID.randomUUID());
            return new Result(e.text(), e.warnings());
        } finally {
            c.destroy();
        }
    }

    /**
     * Writes {@code text} to {@code target} atomically: a temporary file in the same directory,
     * created with mode 0600 where the file system has POSIX permissions, synced, then renamed
     * over {@code target}. A reader sees the old file or the complete new one, never a partly
     * written or world-readable one.
     */
    static void writePrivate(Path target, String text) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        boolean posix = Files.getFileStore(dir).supportsFileAttributeView("posix");
        FileAttribute<?>[] attrs = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
        Path tmp = null;
        for (int i = 0; tmp == null; i++) {
            Path candidate = dir.resolve("." + abs.getFileName() + ".tmp" + (i == 0 ? "" : "-" + i));
            try {
                tmp = Files.createFile(candidate, attrs);
            } catch (FileAlreadyExistsException e) {
                if (i > 100) {
                    throw e;
                }
            }
        }
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } finally {
            if (tmp != null) {
                Files.deleteIfExists(tmp);
            }
        }
    }
}
