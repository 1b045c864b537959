package dev.wgdesk.app.ui.vm;

import dev.wgdesk.app.ipc.IpcEvent;
import dev.wgdesk.app.ipc.LogEntry;
import dev.wgdesk.app.ui.gateway.HelperGateway;
import dev.wgdesk.app.ui.i18n.Messages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The log view: the helper's ring buffer, then every line it pushes, kept to the last
 * {@link #CAPACITY} lines. "Follow" keeps the view at the newest line. Copy and "Save to file…"
 * work on the text form {@link #format}.
 */
public final class LogViewModel {
    /** Lines kept in memory. */
    public static final int CAPACITY = 10_000;
    /** Lines asked from the helper when the log is loaded. */
    public static final int TAIL = 1_000;

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS", Locale.ROOT);

    private final HelperGateway gateway;
    private final Tasks tasks;
    private final ZoneId zone;
    private final ObservableList<LogEntry> entries = FXCollections.observableArrayList();
    private final BooleanProperty follow = new SimpleBooleanProperty(this, "follow", true);
    private boolean loaded;

    /** A log view model showing times in {@code zone}. */
    public LogViewModel(HelperGateway gateway, Tasks tasks, ZoneId zone) {
        this.gateway = Objects.requireNonNull(gateway, "gateway");
        this.tasks = Objects.requireNonNull(tasks, "tasks");
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    /** The lines, oldest first. */
    public ObservableList<LogEntry> entries() {
        return entries;
    }

    /** Whether the view scrolls to each new line. */
    public BooleanProperty followProperty() {
        return follow;
    }

    /** Loads the helper's recent lines (replacing what is shown). */
    public void load(Consumer<String> onError) {
        tasks.run(() -> gateway.logTail(TAIL), tail -> {
            loaded = true;
            entries.setAll(tail);
        }, e -> onError.accept(e.getMessage()));
    }

    /** True once {@link #load} succeeded. */
    public boolean isLoaded() {
        return loaded;
    }

    /** Adds a pushed line (on the UI thread). */
    public void append(IpcEvent.LogLine line) {
        entries.add(line.entry());
        if (entries.size() > CAPACITY) {
            entries.remove(0, entries.size() - CAPACITY);
        }
    }

    /** One line as text: {@code 2026-01-01 12:00:00.000  INFO  [home] message}. */
    public String format(LogEntry e) {
        String time = TIME.format(Instant.ofEpochMilli(e.timeMillis()).atZone(zone));
        String tunnel = e.tunnel() == null ? "" : "[" + e.tunnel() + "] ";
        return time + "  " + String.format(Locale.ROOT, "%-7s", e.level()) + " " + tunnel + e.message();
    }

    /** The time column alone. */
    public String formatTime(LogEntry e) {
        return TIME.format(Instant.ofEpochMilli(e.timeMillis()).atZone(zone));
    }

    /** The given lines as text, one per line. */
    public String asText(List<LogEntry> lines) {
        StringBuilder sb = new StringBuilder();
        lines.forEach(e -> sb.append(format(e)).append('\n'));
        return sb.toString();
    }

    /** Writes every line to {@code file} in the background; reports the result. */
    public void saveTo(Path file, Consumer<String> onDone) {
        String text = asText(List.copyOf(entries));
        tasks.run(() -> {
            Files.writeString(file, text, StandardCharsets.UTF_8);
            return file;
        }, f -> onDone.accept(Messages.get("log.saved", f.toString())),
                e -> onDone.accept(Messages.get("log.saveFailed", file.toString(), e.getMessage())));
    }
}
