package dev.wgdesk.platform.linux;

import static dev.wgdesk.platform.linux.Rtnetlink.IFINFOMSG_SIZE;
import static dev.wgdesk.platform.linux.Rtnetlink.IFLA_MTU;
import static dev.wgdesk.platform.linux.Rtnetlink.NLMSG_DONE;
import static dev.wgdesk.platform.linux.Rtnetlink.NLMSG_HDRLEN;
import static dev.wgdesk.platform.linux.Rtnetlink.RTM_DELLINK;
import static dev.wgdesk.platform.linux.Rtnetlink.RTM_NEWLINK;

import dev.wgdesk.engine.tun.TunEvent;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Turns rtnetlink link messages ({@code RTM_NEWLINK}/{@code RTM_DELLINK}, each an
 * {@code nlmsghdr}, an {@code ifinfomsg} and {@code rtattr}s) about one interface index into
 * {@link TunEvent}s: {@code MtuChanged} when {@code IFLA_MTU} differs from the last MTU seen,
 * {@code Up}/{@code Down} when {@code IFF_UP} flips, {@code Removed} on {@code RTM_DELLINK}
 * (after which nothing more is reported). Messages about other interfaces, and malformed or
 * truncated ones, are ignored. Used by one thread at a time; {@link #removed()} may be read from
 * any thread.
 */
final class LinkEvents {
    private static final System.Logger LOG = System.getLogger(LinkEvents.class.getName());


    private final String name;
    private final int index;
    private final Consumer<TunEvent> sink;
    private int lastMtu;
    private boolean lastUp;
    private volatile boolean removed;

    LinkEvents(String name, int index, Consumer<TunEvent> sink) {
        this.name = name;
        this.index = index;
        this.sink = sink;
    }

    /** The state to compare the next messages with; reports nothing. */
    void baseline(int mtu, boolean up) {
        lastMtu = mtu;
        lastUp = up;
    }

    /** True once the interface was reported deleted. */
    boolean removed() {
        return removed;
    }

    /** Walks the netlink messages in {@code buf[0, length)}. */
    void parse(ByteBuffer buf, int length) {
        int off = 0;
        while (off + NLMSG_HDRLEN <= length && !removed) {
            int msgLen = buf.getInt(off);
            int type = buf.getShort(off + 4) & 0xffff;
            if (msgLen < NLMSG_HDRLEN || off + msgLen > length || type == NLMSG_DONE) {
                return;
            }
            if ((type == RTM_NEWLINK || type == RTM_DELLINK) && msgLen >= NLMSG_HDRLEN + IFINFOMSG_SIZE) {
                int body = off + NLMSG_HDRLEN;
                if (buf.getInt(body + 4) == index) {
                    if (type == RTM_DELLINK) {
                        removedSeen();
                    } else {
                        boolean up = (buf.getInt(body + 8) & InterfaceControl.IFF_UP) != 0;
                        int mtu = findMtu(buf, body + IFINFOMSG_SIZE, off + msgLen);
                        update(mtu, up);
                    }
                }
            }
            off += align4(msgLen);
        }
    }

    private static int findMtu(ByteBuffer buf, int from, int end) {
        int off = from;
        while (off + 4 <= end) {
            int len = buf.getShort(off) & 0xffff;
            int type = buf.getShort(off + 2) & 0x3fff; // without NLA_F_NESTED / NLA_F_NET_BYTEORDER
            if (len < 4 || off + len > end) {
                break;
            }
            if (type == IFLA_MTU && len >= 8) {
                return buf.getInt(off + 4);
            }
            off += align4(len);
        }
        return -1;
    }

    /** Compares a fresh reading of the interface's state with the last one, reporting changes. */
    void update(int mtu, boolean up) {
        if (mtu > 0 && mtu != lastMtu) {
            lastMtu = mtu;
            emit(new TunEvent.MtuChanged(mtu));
        }
        if (up != lastUp) {
            lastUp = up;
            emit(up ? new TunEvent.Up() : new TunEvent.Down());
        }
    }

    /** The interface is gone: reports {@code Removed} once. */
    void removedSeen() {
        if (removed) {
            return;
        }
        removed = true;
        emit(new TunEvent.Removed());
    }

    private void emit(TunEvent event) {
        try {
            sink.accept(event);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "listener for " + name + " failed on " + event, e);
        }
    }

    private static int align4(int n) {
        return (n + 3) & ~3;
    }
}
