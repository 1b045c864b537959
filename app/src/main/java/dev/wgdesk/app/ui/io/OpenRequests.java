package dev.wgdesk.app.ui.io;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Files the OS asks the running app to open, from wherever they come (macOS open-file events
 * through {@link DesktopOpenFiles}), held until the UI can take them: the OS may deliver them
 * before the window exists (a double-click that starts the app). Thread-safe; the target is
 * called on the thread that delivers and must hand the work to the UI thread itself.
 */
public final class OpenRequests {
    private final List<Path> pending = new ArrayList<>();
    private Consumer<List<Path>> target;

    /** Opens {@code files} now, or as soon as a target is set. */
    public synchronized void open(List<Path> files) {
        List<Path> abs = files.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        if (abs.isEmpty()) {
            return;
        }
        if (target == null) {
            pending.addAll(abs);
        } else {
            target.accept(abs);
        }
    }

    /** Sets what opening does (the import preview); files that arrived before are handed over now. */
    public synchronized void setTarget(Consumer<List<Path>> t) {
        target = Objects.requireNonNull(t, "t");
        if (!pending.isEmpty()) {
            List<Path> waiting = List.copyOf(pending);
            pending.clear();
            target.accept(waiting);
        }
    }
}
