package dev.wgdesk.app.ui.tray.sni;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What the process prints on stderr and logs at WARNING or above (java.util.logging, where the
 * app and dbus-java log) while it is open; stderr is still printed through.
 */
final class LogCapture implements AutoCloseable {
    private final PrintStream original = System.err;
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final StringBuilder logged = new StringBuilder();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                synchronized (logged) {
                    logged.append(r.getLevel()).append(' ').append(r.getLoggerName()).append(": ")
                            .append(r.getMessage());
                    if (r.getThrown() != null) {
                        logged.append(" ").append(r.getThrown());
                    }
                    logged.append('\n');
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private LogCapture() {
    }

    static LogCapture start() {
        LogCapture c = new LogCapture();
        System.setErr(new PrintStream(new TeeStream(c.original, c.err), true, StandardCharsets.UTF_8));
        Logger.getLogger("").addHandler(c.handler);
        return c;
    }

    /** Everything captured so far: stderr, then the log records. */
    String text() {
        System.err.flush();
        synchronized (logged) {
            return err.toString(StandardCharsets.UTF_8) + logged;
        }
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(handler);
        System.setErr(original);
    }

    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int x) throws java.io.IOException {
            a.write(x);
            b.write(x);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
