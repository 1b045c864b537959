package dev.wgdesk.platform.linux;

import static dev.wgdesk.platform.linux.Rtnetlink.IFADDRMSG_SIZE;
import static dev.wgdesk.platform.linux.Rtnetlink.IFINFOMSG_SIZE;
import static dev.wgdesk.platform.linux.Rtnetlink.NLMSG_HDRLEN;
import static dev.wgdesk.platform.linux.Rtnetlink.RTMGRP_IPV4_IFADDR;
import static dev.wgdesk.platform.linux.Rtnetlink.RTMGRP_IPV4_ROUTE;
import static dev.wgdesk.platform.linux.Rtnetlink.RTMGRP_IPV6_IFADDR;
import static dev.wgdesk.platform.linux.Rtnetlink.RTMGRP_IPV6_ROUTE;
import static dev.wgdesk.platform.linux.Rtnetlink.RTMGRP_LINK;
import static dev.wgdesk.platform.linux.Rtnetlink.RTMSG_SIZE;
import static dev.wgdesk.platform.linux.Rtnetlink.RTM_DELADDR;
import static dev.wgdesk.platform.linux.Rtnetlink.RTM_DELLINK;
import static dev.wgdesk.platform.linux.Rtnetlink.RTM_DELROUTE;
import static dev.wgdesk.platform.linux.Rtnetlink.RTM_NEWADDR;
import static dev.wgdesk.platform.linux.Rtnetlink.RTM_NEWLINK;
import static dev.wgdesk.platform.linux.Rtnetlink.RTM_NEWROUTE;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * One rtnetlink socket and one reader thread per network namespace, shared by every
 * {@link LinkMonitor}, {@link DefaultRouteMonitor} and {@link RouteWatch} of the process that
 * watches that namespace, instead of a socket and a thread each.
 *
 * <p>The socket is subscribed to all the groups they use ({@link #ALL_GROUPS}); a batch the
 * kernel delivers goes to each {@link Subscription} whose groups one of its messages belongs to
 * ({@link #groupsOf}), and a batch lost to an overflowing socket ({@code ENOBUFS},
 * {@link NetlinkSocket#LOST}) goes to all of them. Listeners run on the hub's thread, one after
 * the other and outside any lock, so they should return quickly; a listener may close its own
 * subscription or any other.
 *
 * <p>The namespace is the one of the thread calling {@link #subscribe} (named by the target of
 * {@code /proc/thread-self/ns/net}); the first subscription in a namespace opens the socket
 * from that thread, and closing the last one closes the socket and ends the thread. A socket
 * keeps its namespace alive, so a namespace's name cannot be handed to another one while its hub
 * is open.
 */
final class NetlinkHub {
    private static final System.Logger LOG = System.getLogger(NetlinkHub.class.getName());

    /** The groups every hub's socket is subscribed to. */
    static final int ALL_GROUPS =
            RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_IFADDR | RTMGRP_IPV6_ROUTE;
    private static final int BUFFER_SIZE = 64 * 1024;
    private static final int KERNEL_RECEIVE_BUFFER = 1 << 20;
    private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);

    /** Guards the registry and every hub's subscriptions and delivery state. */
    private static final Object LOCK = new Object();
    private static final Map<String, NetlinkHub> HUBS = new HashMap<>(); // guarded by LOCK

    /** Receives a hub's batches. */
    interface Listener {
        /**
         * The netlink messages in {@code b[0, length)}, or {@code length == }{@link NetlinkSocket#LOST}
         * when the kernel dropped messages. {@code b} is only valid during the call.
         */
        void messages(ByteBuffer b, int length);

        /** The hub's socket failed and nothing more will be delivered. */
        void stopped(IOException cause);
    }

    /** One listener's place on a hub; closing it stops deliveries to it. */
    static final class Subscription implements AutoCloseable {
        private final NetlinkHub hub;
        private final int groups;
        private final Listener listener;
        private boolean started; // guarded by LOCK
        private boolean closed; // guarded by LOCK

        private Subscription(NetlinkHub hub, int groups, Listener listener) {
            this.hub = hub;
            this.groups = groups;
            this.listener = listener;
        }

        /**
         * Lets deliveries begin. Until then the hub's thread holds back the batches for this
         * subscription (and all later ones), so a subscriber can read a baseline after
         * subscribing and still see every change made after it subscribed.
         */
        void start() {
            synchronized (LOCK) {
                started = true;
                LOCK.notifyAll();
            }
        }

        /**
         * Stops deliveries: once this returns, the listener is not running and will not be called
         * again (unless called from the hub's thread, or a delivery has not returned within two
         * seconds). Closing the hub's last subscription closes its socket and waits (as long) for
         * its thread to end. Idempotent.
         */
        @Override
        public void close() {
            boolean last;
            synchronized (LOCK) {
                if (closed) {
                    return;
                }
                closed = true;
                hub.subscriptions.remove(this);
                LOCK.notifyAll();
                if (Thread.currentThread() != hub.thread) {
                    long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
                    long left;
                    while (hub.delivering == this && (left = deadline - System.nanoTime()) > 0) {
                        try {
                            TimeUnit.NANOSECONDS.timedWait(LOCK, left);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            break;
                        }
                    }
                }
                last = hub.subscriptions.isEmpty();
                if (last) {
                    HUBS.remove(hub.namespace, hub);
                    hub.socket.close();
                }
            }
            if (last && Thread.currentThread() != hub.thread) {
                try {
                    hub.thread.join(TimeUnit.NANOSECONDS.toMillis(CLOSE_WAIT_NANOS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** The hub this subscription is on (tests). */
        NetlinkHub hub() {
            return hub;
        }
    }

    private final String namespace;
    private final NetlinkSocket socket;
    private final Thread thread;
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>(); // changed under LOCK
    private Subscription delivering; // guarded by LOCK

    private NetlinkHub(String namespace, NetlinkSocket socket) {
        this.namespace = namespace;
        this.socket = socket;
        this.thread = Thread.ofPlatform().daemon().name("wgdesk-netlink").unstarted(this::run);
    }

    /**
     * Subscribes {@code listener} to the {@code groups} (a mask of {@link #ALL_GROUPS}) of the
     * calling thread's network namespace, opening the namespace's hub if it has none. Deliveries
     * begin once the subscription is {@linkplain Subscription#start() started}.
     */
    static Subscription subscribe(int groups, Listener listener) throws IOException {
        Objects.requireNonNull(listener, "listener");
        if (groups == 0 || (groups & ~ALL_GROUPS) != 0) {
            throw new IllegalArgumentException("groups must be a non-empty mask of " + ALL_GROUPS + ": " + groups);
        }
        String ns = namespaceOfThisThread();
        synchronized (LOCK) {
            NetlinkHub hub = HUBS.get(ns);
            boolean fresh = hub == null;
            if (fresh) {
                hub = new NetlinkHub(ns,
                        NetlinkSocket.subscribe(ALL_GROUPS, "the link, address and route groups", BUFFER_SIZE,
                                KERNEL_RECEIVE_BUFFER));
                HUBS.put(ns, hub);
            }
            Subscription s = new Subscription(hub, groups, listener);
            hub.subscriptions.add(s);
            if (fresh) {
                hub.thread.start();
            }
            return s;
        }
    }

    /** How many hubs are open (tests). */
    static int openHubs() {
        synchronized (LOCK) {
            return HUBS.size();
        }
    }

    /** How many subscriptions this hub has (tests). */
    int subscriptionCount() {
        return subscriptions.size();
    }

    /** This hub's reader thread (tests). */
    Thread thread() {
        return thread;
    }

    private static String namespaceOfThisThread() {
        try {
            return Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "net:[?]"; // no /proc: everything in one namespace as far as we can tell
        }
    }

    /**
     * The groups the netlink messages in {@code b[0, length)} were sent to: link messages to
     * {@code RTMGRP_LINK}, address and route messages to the IPv4 or IPv6 group of their family.
     * Other messages count for nothing; a malformed one ends the scan.
     */
    static int groupsOf(ByteBuffer b, int length) {
        int groups = 0;
        int off = 0;
        while (off + NLMSG_HDRLEN <= length) {
            int mlen = b.getInt(off);
            int type = b.getShort(off + 4) & 0xffff;
            if (mlen < NLMSG_HDRLEN || off + mlen > length) {
                break;
            }
            int body = off + NLMSG_HDRLEN;
            int family = mlen > NLMSG_HDRLEN ? b.get(body) & 0xff : -1; // first byte of ifaddrmsg and rtmsg
            if ((type == RTM_NEWLINK || type == RTM_DELLINK) && mlen >= NLMSG_HDRLEN + IFINFOMSG_SIZE) {
                groups |= RTMGRP_LINK;
            } else if ((type == RTM_NEWADDR || type == RTM_DELADDR) && mlen >= NLMSG_HDRLEN + IFADDRMSG_SIZE) {
                groups |= family == SockAddr.AF_INET ? RTMGRP_IPV4_IFADDR
                        : family == SockAddr.AF_INET6 ? RTMGRP_IPV6_IFADDR : 0;
            } else if ((type == RTM_NEWROUTE || type == RTM_DELROUTE) && mlen >= NLMSG_HDRLEN + RTMSG_SIZE) {
                groups |= family == SockAddr.AF_INET ? RTMGRP_IPV4_ROUTE
                        : family == SockAddr.AF_INET6 ? RTMGRP_IPV6_ROUTE : 0;
            }
            off += (mlen + 3) & ~3;
        }
        return groups;
    }

    private void run() {
        while (true) {
            int n;
            try {
                n = socket.receive();
            } catch (ClosedChannelException e) {
                return; // the last subscription closed
            } catch (IOException e) {
                stop(e);
                return;
            }
            int groups = n == NetlinkSocket.LOST ? ALL_GROUPS : groupsOf(socket.view(), n);
            if (groups != 0) {
                for (Subscription s : subscriptions) {
                    if ((s.groups & groups) != 0 && claim(s)) {
                        try {
                            s.listener.messages(socket.view(), n);
                        } catch (RuntimeException e) {
                            LOG.log(Level.WARNING, "netlink listener failed", e);
                        } finally {
                            release();
                        }
                    }
                }
            }
        }
    }

    /** Waits until {@code s} is started; false if it was closed meanwhile. */
    private boolean claim(Subscription s) {
        synchronized (LOCK) {
            while (!s.started && !s.closed) {
                try {
                    LOCK.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            if (s.closed) {
                return false;
            }
            delivering = s;
            return true;
        }
    }

    private void release() {
        synchronized (LOCK) {
            delivering = null;
            LOCK.notifyAll();
        }
    }

    /** The socket failed: drops the hub (a later subscription opens a new one) and tells everyone. */
    private void stop(IOException cause) {
        List<Subscription> all;
        synchronized (LOCK) {
            HUBS.remove(namespace, this);
            all = List.copyOf(subscriptions);
        }
        socket.close();
        for (Subscription s : all) {
            try {
                s.listener.stopped(cause);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "netlink listener failed", e);
            }
        }
    }
}
