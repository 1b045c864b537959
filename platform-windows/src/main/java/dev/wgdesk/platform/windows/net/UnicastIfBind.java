package dev.wgdesk.platform.windows.net;

import dev.wgdesk.engine.conn.DatagramChannelBind;
import dev.wgdesk.engine.conn.UdpEndpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Objects;

/**
 * The engine's UDP socket on Windows: the JDK's dual-stack {@link DatagramChannel} (the engine's
 * tested {@link DatagramChannelBind}), pinned to the physical default interface with
 * {@code IP_UNICAST_IF} and {@code IPV6_UNICAST_IF}, so that a full tunnel (0.0.0.0/0 and ::/0 on
 * the tunnel at metric 0) does not route the engine's own packets to the endpoints into itself.
 *
 * <p><b>Why the JDK channel and not a Winsock socket of our own:</b> the send/receive paths stay
 * the engine's (no per-packet allocation, proven by its tests), and only one native call is
 * needed, {@code setsockopt}, on the channel's SOCKET handle; the JDK exposes that handle through
 * {@code sun.nio.ch.SelChImpl.getFDVal()} (on Windows the descriptor of a socket channel is its
 * SOCKET), which the helper's launcher opens with {@code --add-exports
 * java.base/sun.nio.ch=ALL-UNNAMED}. The option is applied when the socket is opened and again,
 * on the live socket, whenever the default route changes ({@link #setInterfaces}).
 *
 * <p>With no default route outside the tunnel the bind is a <em>blackhole</em>: sends are
 * dropped (as wireguard-go's {@code BindSocketToInterface(…, blackhole)}), never routed into the
 * tunnel.
 */
public final class UnicastIfBind extends DatagramChannelBind {
    /** {@code setsockopt(IP_UNICAST_IF / IPV6_UNICAST_IF)} on a channel's socket, a seam for tests. */
    public interface SocketOption {
        /**
         * @param ipv4Index the interface index for IPv4 traffic, 0 for none
         * @param ipv6Index the interface index for IPv6 traffic, 0 for none
         */
        void setUnicastInterface(DatagramChannel ch, int ipv4Index, int ipv6Index) throws IOException;
    }

    /** The ws2_32 implementation (Windows only; loads nothing until first used). */
    public static SocketOption windowsSocketOption() {
        return new JnaSocketOption();
    }

    private final SocketOption option;
    private volatile int ipv4Index;
    private volatile int ipv6Index;
    private volatile boolean blackhole;
    private volatile boolean pinned; // setInterfaces was called: until then the socket is left alone

    public UnicastIfBind(SocketOption option) {
        this.option = Objects.requireNonNull(option, "option");
    }

    @Override
    protected void configure(DatagramChannel ch) throws IOException {
        if (pinned) {
            option.setUnicastInterface(ch, ipv4Index, ipv6Index);
        }
    }

    /**
     * Pins the socket to these interfaces (0: none of that family; both 0: blackhole), now if it
     * is open and on every later open.
     */
    public synchronized void setInterfaces(int ipv4, int ipv6) throws IOException {
        ipv4Index = ipv4;
        ipv6Index = ipv6;
        blackhole = ipv4 == 0 && ipv6 == 0;
        pinned = true;
        DatagramChannel ch = channel();
        if (ch != null) {
            option.setUnicastInterface(ch, ipv4, ipv6);
        }
    }

    /** Whether sends are dropped for want of a default interface. */
    public boolean isBlackhole() {
        return blackhole;
    }

    @Override
    public void send(ByteBuffer[] bufs, int count, UdpEndpoint to) throws IOException {
        if (blackhole) {
            for (int i = 0; i < count; i++) {
                bufs[i].position(bufs[i].limit());
            }
            return;
        }
        super.send(bufs, count, to);
    }
}
