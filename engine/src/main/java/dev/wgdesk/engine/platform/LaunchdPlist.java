package dev.wgdesk.engine.platform;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;

/**
 * A launchd job description (a LaunchAgent's or a LaunchDaemon's {@code .plist}) written as text,
 * and written to disk: the XML declaration and Apple's DOCTYPE, then one top-level {@code dict}
 * of keys with strings, arrays of strings, booleans and integers, in the order added, every
 * string escaped for XML; written atomically. Used by the helper's LaunchDaemon (platform-macos)
 * and the tray's LaunchAgent (app); it lives here because the tray's code may not depend on
 * platform modules.
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
     * Writes {@link #text()} to {@code file} with {@code permissions}, atomically
     * ({@link AtomicTextFile#write}: temporary file, fsync, rename), so launchd never reads a part.
     */
    public void write(Path file, Set<PosixFilePermission> permissions) throws IOException {
        AtomicTextFile.write(file, text(), permissions);
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
