package dev.wgdesk.engine.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The tests that may skip even under strict mode, with the reason, read from {@code .ci/allowed-skips}
 * ({@code .ci/check-skips} reads the same file). One entry per line: the test, then whitespace, then the
 * reason (required). The test is a fully qualified class name (its methods and nested classes), or
 * {@code Class#method}. Blank lines and lines starting with {@code #} are ignored.
 */
record AllowedSkips(Path source, List<Entry> entries) {
    record Entry(String test, String reason) {}

    static final AllowedSkips NONE = new AllowedSkips(null, List.of());

    /** Parses {@code text}; a line without a reason is an error naming {@code source} and the line. */
    static AllowedSkips parse(Path source, String text) {
        List<Entry> entries = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+", 2);
            if (parts.length < 2 || parts[1].isBlank()) {
                throw new IllegalArgumentException(source + ":" + (i + 1) + ": '" + parts[0]
                        + "' has no reason; write the test, whitespace, then why it may skip");
            }
            entries.add(new Entry(parts[0], parts[1].strip()));
        }
        return new AllowedSkips(source, List.copyOf(entries));
    }

    /**
     * The file named by {@code -Dwgdesk.allowedSkips} or {@code WGDESK_ALLOWED_SKIPS}, else the first
     * {@code .ci/allowed-skips} found from the working directory upwards (surefire runs in the module
     * directory), else {@link #NONE}.
     */
    static AllowedSkips load() {
        String named = System.getProperty("wgdesk.allowedSkips", System.getenv("WGDESK_ALLOWED_SKIPS"));
        Path file = null;
        if (named != null && !named.isBlank()) {
            file = Path.of(named);
        } else {
            for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
                if (Files.isRegularFile(dir.resolve(".ci/allowed-skips"))) {
                    file = dir.resolve(".ci/allowed-skips");
                    break;
                }
            }
        }
        if (file == null) {
            return NONE;
        }
        try {
            return parse(file, Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The entry allowing {@code className} (binary name) / {@code methodName} (null for class level). */
    Optional<Entry> find(String className, String methodName) {
        for (Entry e : entries) {
            int hash = e.test().indexOf('#');
            String cls = hash < 0 ? e.test() : e.test().substring(0, hash);
            boolean classMatches = className.equals(cls) || className.startsWith(cls + "$");
            if (classMatches && (hash < 0 || e.test().substring(hash + 1).equals(methodName))) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
