package dev.wgdesk.app.engine;

import java.io.PrintStream;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Routes every {@link System.Logger} and java.util.logging message of the engine process to one
 * stream in {@code wireguard-go}'s format:
 * <pre>
 * DEBUG: (wg0) 2026/11/21 23:45:31 Interface wg0 up on UDP port 51820
 * ERROR: (wg0) 2026/11/21 23:45:32 Failed to create TUN device: permission denied
 * </pre>
 * Errors and warnings are {@code ERROR} lines, everything else {@code DEBUG} lines. Messages are
 * printed on one line: control characters are escaped, so a message cannot forge another line.
 *
 * <p>The engine never passes key material to a logger; this class adds nothing but the level,
 * interface name and time.
 */
public final class EngineLog {
    /** Loggers whose debugging messages are shown at {@link LogLevel#VERBOSE}; held strongly. */
    private static final List<Logger> OWN = List.of(Logger.getLogger("dev.wgdesk"), Logger.getLogger("wgdesk"));

    private static volatile LineHandler handler;

    private EngineLog() {}

    /**
     * Replaces the java.util.logging configuration of this JVM: one handler writing to
     * {@code out} at {@code level}. Debugging messages are shown for wgdesk's own loggers only
     * (not for the JDK's or JNA's); errors and warnings for all. Call before any engine class logs.
     */
    public static synchronized void install(String interfaceName, LogLevel level, PrintStream out) {
        LogManager.getLogManager().reset();
        LineHandler h = new LineHandler(interfaceName, out);
        Logger.getLogger("").addHandler(h);
        handler = h;
        setLevel(level);
    }

    /**
     * Names the interface in later lines: on macOS the {@code utunN} the kernel picked for
     * {@code utun}, as wireguard-go's lines name it.
     */
    public static synchronized void setInterfaceName(String interfaceName) {
        LineHandler h = handler;
        if (h != null) {
            h.interfaceName = interfaceName;
        }
    }

    /** Changes the level of the installed handler. */
    public static synchronized void setLevel(LogLevel level) {
        Level others = level == LogLevel.SILENT ? Level.OFF : Level.WARNING;
        Logger.getLogger("").setLevel(others);
        for (Logger l : OWN) {
            l.setLevel(level.threshold());
        }
        LineHandler h = handler;
        if (h != null) {
            h.setLevel(level.threshold());
        }
    }

    /** One log line as wireguard-go prints it, without the line end. */
    static String format(String interfaceName, Level level, LocalDateTime time, String message) {
        String prefix = level.intValue() >= Level.WARNING.intValue() ? "ERROR: " : "DEBUG: ";
        return prefix + "(" + interfaceName + ") " + Time.FORMAT.format(time) + " " + oneLine(message);
    }

    /** Made when the first line is printed: an engine that logs nothing loads no java.time.format. */
    private static final class Time {
        static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss");
    }

    private static String oneLine(String message) {
        if (message == null) {
            return "";
        }
        String m = message.strip();
        StringBuilder b = null;
        for (int i = 0; i < m.length(); i++) {
            char c = m.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                if (b == null) {
                    b = new StringBuilder(m.length() + 8).append(m, 0, i);
                }
                b.append(c == '\n' ? "\\n" : c == '\t' ? " " : String.format("\\x%02x", (int) c));
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? m : b.toString();
    }

    /** Writes each record as one line, flushed at once. */
    private static final class LineHandler extends Handler {
        private volatile String interfaceName;
        private final PrintStream out;
        private final Formatter messages = new Formatter() {
            @Override
            public String format(LogRecord r) {
                return formatMessage(r);
            }
        };

        /** MessageFormat would print 51820 as "51,820": pass numbers as plain text. */
        private static void plainNumbers(LogRecord r) {
            Object[] params = r.getParameters();
            if (params == null) {
                return;
            }
            Object[] copy = null;
            for (int i = 0; i < params.length; i++) {
                if (params[i] instanceof Number n) {
                    if (copy == null) {
                        copy = params.clone();
                    }
                    copy[i] = n.toString();
                }
            }
            if (copy != null) {
                r.setParameters(copy);
            }
        }

        LineHandler(String interfaceName, PrintStream out) {
            this.interfaceName = interfaceName;
            this.out = out;
        }

        @Override
        public void publish(LogRecord r) {
            if (r == null || !isLoggable(r)) {
                return;
            }
            plainNumbers(r);
            String message = messages.format(r);
            Throwable t = r.getThrown();
            if (t != null) {
                message = message + ": " + t;
            }
            LocalDateTime time = LocalDateTime.ofInstant(r.getInstant(), ZoneId.systemDefault());
            String line = format(interfaceName, r.getLevel(), time, message);
            synchronized (out) {
                out.println(line);
                out.flush();
            }
        }

        @Override
        public void flush() {
            out.flush();
        }

        @Override
        public void close() {
            flush();
        }
    }
}
