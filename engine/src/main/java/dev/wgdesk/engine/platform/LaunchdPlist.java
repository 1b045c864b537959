package dev.wgdesk.engine.platform;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A launchd job description (a LaunchAgent's or a LaunchDaemon's {@code .plist}) written as text,
 * and written to disk: the XML declaration and Apple's DOCTYPE, then one top-level {@code dict}
 * of keys with strings, arrays of strings, booleans and integers, in the order added, every
 * string escaped for XML. Used by the helper's LaunchDaemon (platform-macos) and the tray's
 * LaunchAgent (app); it lives here because the tray's code may not depend on platform modules.
 *
 * <p>The indentation is the caller's: {@code dictIndent} spaces before {@code <dict>}, two more
 * for each level inside it. Not thread-safe; {@link #text()} may be called at any time.
 */
public final class LaunchdPlist {
    private static final String HEADER = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
            <plist version="1.0">
            """;

    private final StringBuilder text = new StringBuilder(HEADER);
    private final String dictIndent;
    private final String entryIndent;

    /** An empty dict, indented by {@code dictIndent} spaces. */
    public LaunchdPlist(int dictIndent) {
        this.dictIndent = " ".repeat(dictIndent);
        this.entryIndent = " ".repeat(dictIndent + 2);
        text.append(this.dictIndent).append("<dict>\n");
    }

    /** Adds {@code key} with a {@code <string>}. */
    public LaunchdPlist string(String key, String value) {
        return key(key).element(entryIndent, "string", value);
    }

    /** Adds {@code key} with an {@code <array>} of {@code <string>}s. */
    public LaunchdPlist strings(String key, List<String> values) {
        key(key);
        text.append(entryIndent).append("<array>\n");
        for (String v : values) {
            element(entryIndent + "  ", "string", v);
        }
        text.append(entryIndent).append("</array>\n");
        return this;
    }

    /** Adds {@code key} with {@code <true/>} or {@code <false/>}. */
    public LaunchdPlist bool(String key, boolean value) {
        key(key);
        text.append(entryIndent).append(value ? "<true/>" : "<false/>").append('\n');
        return this;
    }

    /** Adds {@code key} with an {@code <integer>}. */
    public LaunchdPlist integer(String key, long value) {
        return key(key).element(entryIndent, "integer", Long.toString(value));
    }

    /** The whole plist so far, with the dict and the plist closed, ending in a newline. */
    public String text() {
        return text + dictIndent + "</dict>\n</plist>\n";
    }

    /**
     * Writes {@link #text()} (UTF-8) to {@code file} so that a reader (launchd) sees the old file
     * or the new one, never a part: a temporary file beside it with {@code permissions}, fsync,
     * then a rename over {@code file} (atomic where the file system can; a plain replace where it
     * cannot). Makes the parent directories; leaves no temporary file behind.
     */
    public void write(Path file, Set<PosixFilePermission> permissions) throws IOException {
        Objects.requireNonNull(permissions, "permissions");
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
        try {
            Files.setPosixFilePermissions(tmp, permissions);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(text().getBytes(StandardCharsets.UTF_8));
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** {@code s} escaped for a plist's {@code <string>} ({@code &}, {@code <}, {@code >}). */
    public static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private LaunchdPlist key(String key) {
        return element(entryIndent, "key", key);
    }

    private LaunchdPlist element(String indent, String tag, String value) {
        text.append(indent).append('<').append(tag).append('>').append(escape(value))
                .append("</").append(tag).append(">\n");
        return this;
    }
}
