package dev.wgdesk.app.helper;

import dev.wgdesk.engine.platform.HelperPlatform;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The administrator's policy, {@link #defaultFile()} ({@code /etc/wgdesk/helper.conf} on Linux and
 * macOS, {@code %ProgramData%\wgdesk\helper.conf} on Windows): {@code key=value} lines, {@code #}
 * comments. A missing file means the defaults. Immutable.
 *
 * <ul>
 *   <li>{@code allow-scripts=true|false} (default false): whether PreUp/PostUp/PreDown/PostDown
 *       commands in tunnel configurations run (as root). Off, they are skipped and reported as
 *       "disabled by policy", as wireguard-windows does, because anyone in the helper's group
 *       could otherwise run commands as root through a config.</li>
 *   <li>{@code group=NAME} (default {@link #defaultGroup()}: {@code wgdesk}, on Windows
 *       {@code wgdesk-users}): the group whose members may use the helper.</li>
 * </ul>
 *
 * @param allowScripts whether hook commands run
 * @param group        the group allowed to use the helper
 * @param warnings     problems found in the file (unknown keys, bad values), for the log
 */
public record HelperPolicy(boolean allowScripts, String group, List<String> warnings) {
    /** The policy file when no platform is on the class path: Linux's. */
    public static final Path FALLBACK_FILE = Path.of("/etc/wgdesk/helper.conf");
    /** The group when no platform is on the class path: Linux's. */
    public static final String FALLBACK_GROUP = "wgdesk";

    public HelperPolicy {
        warnings = List.copyOf(warnings);
    }

    /** Where the running OS keeps the policy file ({@link HelperPlatform#policyFile()}); {@link #FALLBACK_FILE} without a platform. */
    public static Path defaultFile() {
        return defaultFile(HelperPlatform.current());
    }

    /** {@code platform}'s policy file; {@link #FALLBACK_FILE} without one. */
    public static Path defaultFile(Optional<HelperPlatform> platform) {
        return platform.map(HelperPlatform::policyFile).orElse(FALLBACK_FILE);
    }

    /** The running OS's group ({@link HelperPlatform#defaultGroup()}); {@link #FALLBACK_GROUP} without a platform. */
    public static String defaultGroup() {
        return defaultGroup(HelperPlatform.current());
    }

    /** {@code platform}'s group; {@link #FALLBACK_GROUP} without one. */
    public static String defaultGroup(Optional<HelperPlatform> platform) {
        return platform.map(HelperPlatform::defaultGroup).orElse(FALLBACK_GROUP);
    }

    /** The defaults: no scripts, the running OS's {@linkplain #defaultGroup() group}. */
    public static HelperPolicy defaults() {
        return new HelperPolicy(false, defaultGroup(), List.of());
    }

    /** Reads the policy file; a missing file gives the defaults. */
    public static HelperPolicy load(Path file) throws IOException {
        return load(file, defaultGroup());
    }

    /**
     * Reads the policy file; a missing file gives the defaults.
     *
     * @param defaultGroup the group when the file names none (the platform's,
     *                     {@link HelperPlatform#defaultGroup()})
     */
    public static HelperPolicy load(Path file, String defaultGroup) throws IOException {
        try {
            return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8), defaultGroup);
        } catch (NoSuchFileException e) {
            return new HelperPolicy(false, defaultGroup, List.of());
        }
    }

    /**
     * Parses policy text, with the running OS's group when the text names none; {@code name}
     * prefixes warnings. Unknown keys and bad values are warned about and ignored.
     */
    public static HelperPolicy parse(String name, String text) {
        return parse(name, text, defaultGroup());
    }

    /** As {@link #parse(String, String)}, with the group when the text names none. */
    public static HelperPolicy parse(String name, String text, String defaultGroup) {
        boolean scripts = false;
        String group = java.util.Objects.requireNonNull(defaultGroup, "defaultGroup");
        List<String> warnings = new ArrayList<>();
        int lineNo = 0;
        for (String raw : text.split("\r?\n", -1)) {
            lineNo++;
            String line = raw;
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                warnings.add(name + ":" + lineNo + ": not key=value: " + line);
                continue;
            }
            String key = line.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(eq + 1).strip();
            switch (key) {
                case "allow-scripts" -> {
                    switch (value.toLowerCase(Locale.ROOT)) {
                        case "true", "yes", "1" -> scripts = true;
                        case "false", "no", "0" -> scripts = false;
                        default -> warnings.add(name + ":" + lineNo + ": allow-scripts must be true or false, not "
                                + value + "; scripts stay disabled");
                    }
                }
                case "group" -> {
                    if (value.matches("[a-z_][a-z0-9_-]{0,31}")) {
                        group = value;
                    } else {
                        warnings.add(name + ":" + lineNo + ": invalid group name " + value);
                    }
                }
                default -> warnings.add(name + ":" + lineNo + ": unknown key " + key);
            }
        }
        return new HelperPolicy(scripts, group, warnings);
    }
}
