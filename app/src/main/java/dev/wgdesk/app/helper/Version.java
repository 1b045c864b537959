package dev.wgdesk.app.helper;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The build's version and commit, from {@code dev/wgdesk/app/build.properties} (written at build
 * time), falling back to the jar manifest and then to {@code unknown}.
 */
public final class Version {
    private static final Properties PROPS = load();

    private Version() {}

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("/dev/wgdesk/app/build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException ignored) {
            // fall back below
        }
        return p;
    }

    /** The version, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String version() {
        String v = PROPS.getProperty("version");
        if (v == null || v.isBlank() || v.startsWith("${")) {
            v = Version.class.getPackage().getImplementationVersion();
        }
        return v == null ? "unknown" : v;
    }

    /** The git commit the build was made from, or {@code unknown}. */
    public static String commit() {
        String c = PROPS.getProperty("commit");
        return c == null || c.isBlank() || c.startsWith("${") ? "unknown" : c;
    }
}
