package dev.wgdesk.app.helper;

import dev.wgdesk.app.ipc.IpcEvent;
import dev.wgdesk.app.ipc.LogEntry;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The helper's log: a bounded ring of recent {@link LogEntry}s (for {@code logTail}), each also
 * written to standard error (which systemd's journal collects) and pushed to subscribed clients
 * as {@link IpcEvent.LogLine}s.
 *
 * <p>{@link #installBridge()} routes {@code java.util.logging} records of the {@code wgdesk.*}
 * loggers (the engine device, IPC, store) here too; a device logger named
 * {@code wgdesk.device.NAME} tags its lines with tunnel {@code NAME}. Never log key material:
 * the engine and config types keep it out of {@code toString}.
 *
 * <p>Thread-safe.
 */
public final class HelperLog {
    /** Lines kept for {@code logTail}. */
    public static final int CAPACITY = 10_000;
    /**
     * Most memory the kept lines may take, as {@link #footprint} counts it: the oldest lines go
     * first when a new one would exceed it, so long lines mean fewer lines kept, never more memory.
     */
    public static final long CAPACITY_BYTES = 2L << 20;
    /** Longest message kept (characters); longer ones are cut and say how much was cut. */
    public static final int MAX_MESSAGE_CHARS = 4096;
    /** What {@link #footprint} adds for an entry's objects (entry, string and array headers, ring slot). */
    static final int ENTRY_OVERHEAD_BYTES = 64;

    private final ArrayDeque<LogEntry> ring = new ArrayDeque<>(); // guarded by itself
    private long ringBytes; // guarded by ring: the sum of the kept entries' footprints
    private final PrintStream out;
    private volatile Consumer<IpcEvent> sink = e -> { };

    /** A log writing to {@code out} (null: nowhere). */
    public HelperLog(PrintStream out) {
        this.out = out;
    }

    /** Where log lines go as events (the IPC server's publish). */
    public void setEventSink(Consumer<IpcEvent> value) {
        this.sink = Objects.requireNonNull(value, "sink");
    }

    public void info(String tunnel, String message) {
        log("INFO", tunnel, message);
    }

    public void warning(String tunnel, String message) {
        log("WARNING", tunnel, message);
    }

    public void error(String tunnel, String message) {
        log("ERROR", tunnel, message);
    }

    /** Records one line. */
    public void log(String level, String tunnel, String message) {
        message = cap(message);
        LogEntry e = new LogEntry(System.currentTimeMillis(), level, tunnel, message);
        long bytes = footprint(e);
        synchronized (ring) {
            while (!ring.isEmpty() && (ring.size() >= CAPACITY || ringBytes + bytes > CAPACITY_BYTES)) {
                ringBytes -= footprint(ring.removeFirst());
            }
            ring.addLast(e);
            ringBytes += bytes;
        }
        if (out != null) {
            out.println(level + (tunnel == null ? "" : " [" + tunnel + "]") + " " + message);
        }
        sink.accept(new IpcEvent.LogLine(e));
    }

    /**
     * About the most heap an entry holds: two bytes a character of its strings (the most a
     * string takes; plain ASCII takes half) plus {@link #ENTRY_OVERHEAD_BYTES}. Lines of up to
     * about 70 characters fill the ring by count before they fill it by bytes; a capped message
     * is about 8 KiB, so the ring never drops below about 250 lines.
     */
    static long footprint(LogEntry e) {
        return ENTRY_OVERHEAD_BYTES + 2L * (length(e.level()) + length(e.tunnel()) + length(e.message()));
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
    }

    /** What the kept lines take, as {@link #footprint} counts it. */
    long retainedBytes() {
        synchronized (ring) {
            return ringBytes;
        }
    }

    /** {@code message} cut to {@link #MAX_MESSAGE_CHARS}, saying how much was cut. */
    static String cap(String message) {
        if (message == null || message.length() <= MAX_MESSAGE_CHARS) {
            return message;
        }
        int cut = message.length() - MAX_MESSAGE_CHARS;
        return message.substring(0, MAX_MESSAGE_CHARS) + "… (" + cut + " more characters cut)";
    }

    /** The last {@code n} lines, oldest first. */
    public List<LogEntry> tail(int n) {
        synchronized (ring) {
            List<LogEntry> all = new ArrayList<>(ring);
            return List.copyOf(all.subList(Math.max(0, all.size() - n), all.size()));
        }
    }

    /**
     * Sends {@code java.util.logging} records from {@code wgdesk.*} loggers (INFO and above) here,
     * replacing the console handler of the root logger so nothing is printed twice.
     */
    public void installBridge() {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        root.setLevel(Level.INFO);
        root.addHandler(bridge());
    }

    /**
     * A handler that puts {@code java.util.logging} records (INFO and above) into this log, a
     * {@code wgdesk.device.NAME} logger's under tunnel NAME. {@link #installBridge()} puts it on
     * the root logger; an in-process helper (tests) can put it on {@code wgdesk.device} alone.
     */
    public Handler bridge() {
        return new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() < Level.INFO.intValue()) {
                    return;
                }
                String name = r.getLoggerName() == null ? "" : r.getLoggerName();
                String tunnel = name.startsWith("wgdesk.device.") ? name.substring("wgdesk.device.".length()) : null;
                String msg = formatMessage(r);
                if (r.getThrown() != null) {
                    msg = msg + ": " + r.getThrown();
                }
                log(levelName(r.getLevel()), tunnel, msg);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
    }

    private static String formatMessage(LogRecord r) {
        String msg = r.getMessage() == null ? "" : r.getMessage();
        Object[] params = r.getParameters();
        if (params != null && params.length > 0 && msg.contains("{0")) {
            Object[] plain = new Object[params.length];
            for (int i = 0; i < params.length; i++) {
                // Numbers as written, not "40,643": ports and counters read better plain.
                plain[i] = params[i] instanceof Number ? String.valueOf(params[i]) : params[i];
            }
            try {
                msg = java.text.MessageFormat.format(msg, plain);
            } catch (IllegalArgumentException ignored) {
                // keep the pattern as is
            }
        }
        return msg;
    }

    private static String levelName(Level level) {
        if (level.intValue() >= Level.SEVERE.intValue()) {
            return "ERROR";
        }
        if (level.intValue() >= Level.WARNING.intValue()) {
            return "WARNING";
        }
        return level.intValue() >= Level.INFO.intValue() ? "INFO" : "DEBUG";
    }

    /** An ISO-8601 rendering of an entry's time, for the CLI. */
    public static String time(LogEntry e) {
        return Instant.ofEpochMilli(e.timeMillis()).toString();
    }
}
