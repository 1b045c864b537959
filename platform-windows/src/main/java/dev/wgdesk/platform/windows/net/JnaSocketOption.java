package dev.wgdesk.platform.windows.net;

import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.win32.StdCallLibrary;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.channels.DatagramChannel;

/**
 * {@link UnicastIfBind.SocketOption} on Windows: the channel's SOCKET from the JDK (see
 * {@link UnicastIfBind}) and ws2_32's {@code setsockopt}. Compiled on Linux, never executed there.
 */
final class JnaSocketOption implements UnicastIfBind.SocketOption {
    static final int IPPROTO_IP = 0;
    static final int IPPROTO_IPV6 = 41;

    interface Ws2 extends StdCallLibrary {
        Ws2 INSTANCE = Native.load(java.nio.file.Path.of(System.getenv().getOrDefault("SystemRoot", "C:\\Windows"),
                "System32", "ws2_32.dll").toString(), Ws2.class);

        int setsockopt(long socket, int level, int name, IntByReference value, int len);

        int WSAGetLastError();
    }

    /** The SOCKET handle of a JDK channel (needs {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED}). */
    static long socketOf(DatagramChannel ch) throws IOException {
        try {
            Method m = Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal");
            return ((Number) m.invoke(ch)).longValue();
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IOException("cannot reach the UDP socket's handle to set IP_UNICAST_IF (the helper must run with"
                    + " --add-exports java.base/sun.nio.ch=ALL-UNNAMED): " + e, e);
        }
    }

    @Override
    public void setUnicastInterface(DatagramChannel ch, int ipv4Index, int ipv6Index) throws IOException {
        long s = socketOf(ch);
        if (Ws2.INSTANCE.setsockopt(s, IPPROTO_IP, DefaultRoute.IP_UNICAST_IF,
                new IntByReference(DefaultRoute.ipv4OptionValue(ipv4Index)), 4) != 0) {
            throw new IOException("setsockopt(IP_UNICAST_IF, " + ipv4Index + "): WSA error " + Ws2.INSTANCE.WSAGetLastError());
        }
        if (Ws2.INSTANCE.setsockopt(s, IPPROTO_IPV6, DefaultRoute.IPV6_UNICAST_IF,
                new IntByReference(DefaultRoute.ipv6OptionValue(ipv6Index)), 4) != 0) {
            throw new IOException("setsockopt(IPV6_UNICAST_IF, " + ipv6Index + "): WSA error " + Ws2.INSTANCE.WSAGetLastError());
        }
    }
}
