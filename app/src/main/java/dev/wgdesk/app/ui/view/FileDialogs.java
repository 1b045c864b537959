package dev.wgdesk.app.ui.view;

import dev.wgdesk.app.ui.i18n.Messages;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javafx.stage.FileChooser;
import javafx.stage.Window;

/**
 * The file choosers the app opens. An interface so that tests can answer them (a native file
 * chooser cannot be driven by a robot); {@link #native_()} is the real one.
 */
public interface FileDialogs {
    /** Files to import (.conf, .zip), or empty if cancelled. */
    List<Path> chooseImport(Window owner);

    /** Where to write the export zip, or empty if cancelled. */
    Optional<Path> chooseExport(Window owner);

    /** Where to save the log, or empty if cancelled. */
    Optional<Path> chooseLogFile(Window owner);

    /** The platform's own file choosers. */
    static FileDialogs native_() {
        return new FileDialogs() {
            @Override
            public List<Path> chooseImport(Window owner) {
                FileChooser c = new FileChooser();
                c.setTitle(Messages.get("import.chooser"));
                c.getExtensionFilters().add(new FileChooser.ExtensionFilter(Messages.get("import.filter"), "*.conf", "*.zip", "*.nmconnection"));
                List<File> files = c.showOpenMultipleDialog(owner);
                return files == null ? List.of() : files.stream().map(File::toPath).toList();
            }

            @Override
            public Optional<Path> chooseExport(Window owner) {
                FileChooser c = new FileChooser();
                c.setTitle(Messages.get("export.chooser"));
                c.setInitialFileName("wgdesk-tunnels.zip");
                c.getExtensionFilters().add(new FileChooser.ExtensionFilter("Zip", "*.zip"));
                return Optional.ofNullable(c.showSaveDialog(owner)).map(File::toPath);
            }

            @Override
            public Optional<Path> chooseLogFile(Window owner) {
                FileChooser c = new FileChooser();
                c.setTitle(Messages.get("log.save"));
                c.setInitialFileName("wgdesk-log.txt");
                return Optional.ofNullable(c.showSaveDialog(owner)).map(File::toPath);
            }
        };
    }
}
