package dev.wgdesk.platform.macos;

import com.sun.jna.Memory;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;

/**
 * wg-quick's {@code route -n monitor} loop in-process: a thread reads a {@code PF_ROUTE} socket and,
 * after each burst of routing messages (any {@code RTM_*}: routes, addresses, interfaces), calls
 * {@code onChange} once, from its own thread, so {@link MacTunnel#networkChanged()} can re-apply
 * endpoint routes, MTU and DNS. A burst is messages arriving less than {@link #QUIET_MILLIS} apart
 * (the monitor's own re-applied routes included, which then find nothing to change).
 * {@link #close()} stops it and wakes the thread.
 */
public final class RouteMonitor implements AutoCloseable {
    /** How long the socket must stay quiet before {@code onChange} runs. */
    static final long QUIET_MILLIS = 300;

    private final DarwinNative sys;
    private final WakeableFd fd;
    private final Runnable onChange;
    private final Thread thread;

    private RouteMonitor(DarwinNative sys, WakeableFd fd, Runnable onChange) {
        this.sys = sys;
        this.fd = fd;
        this.onChange = onChange;
        this.thread = Thread.ofPlatform().daemon().name("wgdesk-route-monitor").unstarted(this::loop);
    }

    /** Opens the routing socket and starts the thread. */
    public static RouteMonitor start(Runnable onChange) throws IOException {
        return start(DarwinNative.system(), onChange);
    }

    static RouteMonitor start(DarwinNative sys, Runnable onChange) throws IOException {
        int s = sys.socket(Darwin.AF_ROUTE, Darwin.SOCK_RAW, Darwin.AF_UNSPEC);
        if (s < 0) {
            throw new IOException("cannot open a routing socket: errno " + sys.errno());
        }
        RouteMonitor m = new RouteMonitor(sys, new WakeableFd(sys, s, "routing socket"), onChange);
        m.thread.start();
        return m;
    }

    private void loop() {
        try (Memory buf = new Memory(2048)) {
            WakeableFd.Waiter waiter = fd.newWaiter();
            fd.enter();
            try {
                boolean pending = false;
                long last = 0;
                while (true) {
                    long r = sys.read(fd.fd(), buf, buf.size());
                    if (r > 3 && Byte.toUnsignedInt(buf.getByte(2)) == Darwin.RTM_VERSION) {
                        pending = true;
                        last = System.nanoTime();
                        continue;
                    }
                    if (r >= 0) {
                        continue; // not a routing message of this version
                    }
                    int errno = sys.errno();
                    if (errno == Darwin.ENOBUFS) {
                        pending = true; // messages were lost: treat as a change
                        last = System.nanoTime();
                    } else if (errno == Darwin.EAGAIN) {
                        if (pending) {
                            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - last);
                            if (waited >= QUIET_MILLIS) {
                                pending = false;
                                onChange.run();
                            } else {
                                Thread.sleep(QUIET_MILLIS - waited); // let the burst finish
                            }
                        } else {
                            waiter.await();
                        }
                    } else if (errno != Darwin.EINTR) {
                        return;
                    }
                }
            } finally {
                fd.exit();
            }
        } catch (ClosedChannelException e) {
            // closed
        } catch (IOException | RuntimeException e) {
            // the socket failed, or onChange threw: no more monitoring (MacTunnel never throws here)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the thread (waits for it unless called from it). Idempotent. */
    @Override
    public void close() {
        fd.close();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
