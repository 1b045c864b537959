package dev.wgdesk.app;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.Properties;

/**
 * The version of this build and the git commit it was built from, for {@code wgdesk --version}.
 *
 * <p>Both come from the resource {@value #RESOURCE}, which the build writes (app/pom.xml,
 * execution {@code build-info}) with the keys {@code version} (the Maven project version) and
 * {@code commit} ({@code git describe --always --dirty --abbrev=12 --exclude=*}: an abbreviated
 * commit id, with {@code -dirty} when the work tree had uncommitted changes). A value that is
 * missing, blank or an unexpanded {@code ${...}} placeholder reads as {@value #UNKNOWN}; so does
 * the commit of a build made outside a git work tree. Immutable.
 *
 * @param version the version, e.g. {@code 0.1.0-SNAPSHOT}, or {@value #UNKNOWN}
 * @param commit  the abbreviated commit id, e.g. {@code 77001b4c2a1f}, or {@value #UNKNOWN}
 */
public record Version(String version, String commit) {
    /** The class-path resource the build writes. */
    public static final String RESOURCE = "/dev/wgdesk/app/build.properties";
    /** What an unknown version or commit reads as. */
    public static final String UNKNOWN = "unknown";

    private static final class Holder {
        static final Version CURRENT = load();
    }

    public Version {
        version = clean(version);
        commit = clean(commit);
    }

    /** This build's version, read once from {@value #RESOURCE}. */
    public static Version current() {
        return Holder.CURRENT;
    }

    /**
     * The version in a properties object with the keys {@code version} and {@code commit}.
     *
     * @param properties the build information
     * @return the version; absent or placeholder values are {@value #UNKNOWN}
     */
    public static Version from(Properties properties) {
        Objects.requireNonNull(properties, "properties");
        return new Version(properties.getProperty("version"), properties.getProperty("commit"));
    }

    /**
     * The line {@code wgdesk --version} prints, e.g. {@code wgdesk 0.1.0 (commit 77001b4c2a1f)}.
     *
     * @return the text, without a line separator
     */
    public String text() {
        return "wgdesk " + version + " (commit " + commit + ")";
    }

    /** Same as {@link #text()}. */
    @Override
    public String toString() {
        return text();
    }

    /**
     * Prints {@link #text()} of the current build.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        System.out.println(current().text());
    }

    private static Version load() {
        Properties properties = new Properties();
        try (InputStream in = Version.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException | IllegalArgumentException e) {
            // An unreadable or malformed resource means a broken jar: report unknown rather
            // than fail the caller (--version, the IPC greeting).
            return new Version(null, null);
        }
        return from(properties);
    }

    private static String clean(String value) {
        if (value == null) {
            return UNKNOWN;
        }
        String v = value.strip();
        return v.isEmpty() || v.contains("${") ? UNKNOWN : v;
    }
}
