package dev.wgdesk.platform.windows.net;

import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * {@code SOCKADDR_INET} (ws2ipdef.h): the union of {@code SOCKADDR_IN} and {@code SOCKADDR_IN6},
 * 28 bytes, 4-byte aligned. Declared with the IPv6 member's shape, whose bytes 4..7
 * ({@code sin6_flowinfo}) are the IPv4 member's {@code sin_addr}. Field names are the C names.
 * Windows' AF_INET6 is 23, not Linux's 10. Ports are always 0 here (addresses and routes).
 */
@FieldOrder({"si_family", "sin6_port", "sin6_flowinfo", "sin6_addr", "sin6_scope_id"})
public class SockaddrInet extends Structure {
    /** {@code AF_INET}. */
    public static final short AF_INET = 2;
    /** {@code AF_INET6} on Windows. */
    public static final short AF_INET6 = 23;

    public short si_family;
    public short sin6_port;
    /** IPv6: the flow info (0); IPv4: {@code sin_addr}, network order. */
    public byte[] sin6_flowinfo = new byte[4];
    public byte[] sin6_addr = new byte[16];
    public int sin6_scope_id;

    public SockaddrInet() {
        super(ALIGN_MSVC);
    }

    /** Sets the family and address (port, flow info and scope 0). */
    public void set(InetAddress a) {
        java.util.Arrays.fill(sin6_flowinfo, (byte) 0);
        java.util.Arrays.fill(sin6_addr, (byte) 0);
        sin6_port = 0;
        sin6_scope_id = 0;
        if (a instanceof Inet4Address) {
            si_family = AF_INET;
            System.arraycopy(a.getAddress(), 0, sin6_flowinfo, 0, 4);
        } else if (a instanceof Inet6Address) {
            si_family = AF_INET6;
            System.arraycopy(a.getAddress(), 0, sin6_addr, 0, 16);
        } else {
            throw new IllegalArgumentException("not an IP address: " + a);
        }
    }

    /** The address held, per {@link #si_family}. */
    public InetAddress address() {
        try {
            return switch (si_family) {
                case AF_INET -> InetAddress.getByAddress(sin6_flowinfo.clone());
                case AF_INET6 -> InetAddress.getByAddress(sin6_addr.clone());
                default -> throw new IllegalStateException("address family " + si_family);
            };
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // lengths 4 and 16 are always valid
        }
    }
}
