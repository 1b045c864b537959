package dev.wgdesk.platform.linux;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Replaces this process (the JVM) with another program, keeping the pid, the terminal, standard
 * input and output, the environment and the cgroup: {@code execvp(3)}. Used by
 * {@code wgdesk exclude -- CMD}, which has its own pid moved out of the tunnels and then becomes
 * CMD, so no JVM stays resident and the shell's job control sees CMD itself.
 *
 * <p>Before the call every descriptor above 2 is marked close-on-exec (the JVM's jars, sockets
 * and pipes must not leak into CMD), and the calling thread's signal mask is cleared (the JVM
 * blocks some signals; exec keeps the mask). Signals the JVM handles are reset by exec itself;
 * the JVM ignores none.
 *
 * <p>Not instantiable.
 */
public final class Exec {
    private interface C extends Library {
        int execvp(String file, String[] argv);

        int fcntl(int fd, int cmd, int arg);

        int pthread_sigmask(int how, Pointer set, Pointer old);
    }

    private static final int F_SETFD = 2;
    private static final int FD_CLOEXEC = 1;
    private static final int SIG_SETMASK = 2;

    private Exec() {}

    /**
     * Becomes {@code argv} ({@code argv[0]} looked up in {@code PATH}). Returns only when the
     * exec failed, with the error.
     */
    public static IOException execvp(List<String> argv) {
        if (argv.isEmpty()) {
            return new IOException("no command");
        }
        C c;
        try {
            c = Native.load("c", C.class);
        } catch (UnsatisfiedLinkError e) {
            return new IOException("cannot bind libc: " + e.getMessage(), e);
        }
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                int n = Integer.parseInt(fd.getFileName().toString());
                if (n > 2) {
                    c.fcntl(n, F_SETFD, FD_CLOEXEC); // the directory's own fd fails once closed: harmless
                }
            }
        } catch (IOException | NumberFormatException e) {
            return new IOException("cannot list /proc/self/fd: " + e.getMessage(), e);
        }
        Memory empty = new Memory(128); // sigset_t
        empty.clear();
        c.pthread_sigmask(SIG_SETMASK, empty, null);
        System.out.flush();
        System.err.flush();
        c.execvp(argv.getFirst(), argv.toArray(new String[0]));
        int errno = Native.getLastError();
        return new IOException(Errno.describe(errno));
    }
}
