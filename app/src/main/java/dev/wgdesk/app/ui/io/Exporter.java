package dev.wgdesk.app.ui.io;

import dev.wgdesk.app.ipc.IpcException;
import dev.wgdesk.app.ipc.TunnelInfo;
import dev.wgdesk.app.ui.gateway.HelperGateway;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Objects;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Exports every tunnel as {@code name.conf} in one zip archive. The archive holds private keys:
 * the view asks the user first, and on POSIX systems the file is created readable by its owner
 * only. The archive is written to a temporary file next to the target and moved into place, so a
 * failure never leaves half an archive. Blocking: run it on a background thread.
 */
public final class Exporter {
    private final HelperGateway gateway;

    /** An exporter reading tunnels through {@code gateway}. */
    public Exporter(HelperGateway gateway) {
        this.gateway = Objects.requireNonNull(gateway, "gateway");
    }

    /**
     * Writes the archive.
     *
     * @return the number of tunnels written
     */
    public int exportAll(Path zip) throws IOException, IpcException {
        List<TunnelInfo> tunnels = gateway.list();
        Path dir = zip.toAbsolutePath().getParent();
        Path tmp = createPrivateTemp(dir);
        try {
            try (OutputStream out = Files.newOutputStream(tmp); ZipOutputStream z = new ZipOutputStream(out, StandardCharsets.UTF_8)) {
                for (TunnelInfo t : tunnels) {
                    byte[] text = gateway.getConfig(t.name()).getBytes(StandardCharsets.UTF_8);
                    try {
                        z.putNextEntry(new ZipEntry(t.name() + ".conf"));
                        z.write(text);
                        z.closeEntry();
                    } finally {
                        java.util.Arrays.fill(text, (byte) 0);
                    }
                }
            }
            Files.move(tmp, zip, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return tunnels.size();
    }

    private static Path createPrivateTemp(Path dir) throws IOException {
        try {
            return Files.createTempFile(dir, ".wgdesk-export-", ".zip.tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            return Files.createTempFile(dir, ".wgdesk-export-", ".zip.tmp");
        } catch (FileAlreadyExistsException e) {
            throw new IOException("could not create a temporary file in " + dir, e);
        }
    }
}
