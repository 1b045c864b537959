package dev.wgdesk.app.ui.io;

import dev.wgdesk.app.ui.i18n.Messages;
import java.util.List;

/**
 * What an import did: "Imported N of M", why each failure failed, and what of an imported file
 * was left out (the NetworkManager settings wg-quick cannot express). Immutable.
 *
 * @param imported the names of the tunnels created, in order
 * @param failures one entry per configuration that was not imported
 * @param warnings one entry per setting of a file that was not imported (the file may still have been)
 */
public record ImportReport(List<String> imported, List<Failure> failures, List<Failure> warnings) {

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
        warnings = List.copyOf(warnings);
    }

    /** A report without warnings. */
    public ImportReport(List<String> imported, List<Failure> failures) {
        this(imported, failures, List.of());
    }

    /** M: every configuration found. */
    public int total() {
        return imported.size() + failures.size();
    }

    /** "Imported 2 of 3 tunnels" */
    public String summary() {
        return Messages.get("import.summary", imported.size(), total());
    }

    /** The summary, one line per failure ({@code source: reason}), then one per warning. */
    public String details() {
        StringBuilder sb = new StringBuilder(summary());
        for (Failure f : failures) {
            sb.append('\n').append(Messages.get("import.failure", f.source(), f.reason()));
        }
        for (Failure w : warnings) {
            sb.append('\n').append(Messages.get("import.warning", w.reason()));
        }
        return sb.toString();
    }
}
