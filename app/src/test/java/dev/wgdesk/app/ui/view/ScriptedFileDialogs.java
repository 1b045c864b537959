package dev.wgdesk.app.ui.view;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javafx.stage.Window;

/**
 * File choosers for window tests: instead of opening a dialog, they answer with what the test
 * queued — the files the next import picks ({@link #nextImport}, used once) and where an export
 * goes ({@link #nextExport}). The log's "Save to file…" is cancelled.
 */
final class ScriptedFileDialogs implements FileDialogs {
    /** Files the next "Import" picks; emptied by it. */
    final List<Path> nextImport = new ArrayList<>();
    /** Where an export goes, or null to cancel. */
    Path nextExport;

    @Override
    public List<Path> chooseImport(Window owner) {
        List<Path> p = List.copyOf(nextImport);
        nextImport.clear();
        return p;
    }

    @Override
    public Optional<Path> chooseExport(Window owner) {
        return Optional.ofNullable(nextExport);
    }

    @Override
    public Optional<Path> chooseLogFile(Window owner) {
        return Optional.empty();
    }
}
