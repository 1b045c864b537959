package dev.wgdesk.app.ui.io;

import dev.wgdesk.app.ui.i18n.Messages;
import java.util.List;

/**
 * What an import did: "Imported N of M", and why each failure failed. Immutable.
 *
 * @param imported the names of the tunnels created, in order
 * @param failures one entry per configuration that was not imported
 */
public record ImportReport(List<String> imported, List<Failure> failures) {

    /**
     * A configuration that was not imported.
     *
     * @param source where it came from: a file name, or {@code archive.zip/entry.conf}
     * @param reason why, for the user
     */
    public record Failure(String source, String reason) {
    }

    /** Copies the lists. */
    public ImportReport {
        imported = List.copyOf(imported);
        failures = List.copyOf(failures);
    }

    /** M: every configuration found. */
    public int total() {
        return imported.size() + failures.size();
    }

    /** "Imported 2 of 3 tunnels" */
    public String summary() {
        return Messages.get("import.summary", imported.size(), total());
    }

    /** The summary and one line per failure: {@code source: reason}. */
    public String details() {
        StringBuilder sb = new StringBuilder(summary());
        for (Failure f : failures) {
            sb.append('\n').append(Messages.get("import.failure", f.source(), f.reason()));
        }
        return sb.toString();
    }
}
