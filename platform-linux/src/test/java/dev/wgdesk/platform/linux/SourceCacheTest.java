package dev.wgdesk.platform.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Decoding and caching of datagram sources, on hand-built sockaddrs (no privileges needed). */
class SourceCacheTest {
    private final SourceCache cache = new SourceCache();
    private final ByteBuffer view = ByteBuffer.allocateDirect(64).order(ByteOrder.nativeOrder());

    @Test
    void ipv4MappedSourceIsPlainIpv4AndSameAsAfInet() throws Exception {
        InetSocketAddress mapped = lookup6(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 7}, 51820, 0);
        assertInstanceOf(Inet4Address.class, mapped.getAddress());
        assertEquals(new InetSocketAddress(InetAddress.getByName("192.0.2.7"), 51820), mapped);
        assertSame(mapped, lookup4(new byte[] {(byte) 192, 0, 2, 7}, 51820), "AF_INET and mapped forms share an entry");
    }

    @Test
    void repeatedSourceIsNotAllocatedAgain() throws Exception {
        byte[] a = InetAddress.getByName("2001:db8::1").getAddress();
        InetSocketAddress first = lookup6(a, 1000, 0);
        assertSame(first, lookup6(a, 1000, 0));
        assertNotSame(first, lookup6(a, 1001, 0), "another port is another source");
        assertEquals(new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 1001), lookup6(a, 1001, 0));
    }

    @Test
    void scopeIdIsKeptForLinkLocalSources() throws Exception {
        byte[] ll = InetAddress.getByName("fe80::1").getAddress();
        InetSocketAddress s3 = lookup6(ll, 7, 3);
        InetSocketAddress s4 = lookup6(ll, 7, 4);
        assertEquals(3, ((Inet6Address) s3.getAddress()).getScopeId());
        assertEquals(4, ((Inet6Address) s4.getAddress()).getScopeId());
        assertSame(s3, lookup6(ll, 7, 3));
    }

    @Test
    void manySourcesStayCorrect() throws Exception {
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 1000; i++) {
                byte[] a = {10, 1, (byte) (i >>> 8), (byte) i};
                assertEquals(new InetSocketAddress(InetAddress.getByAddress(a), 40000 + i), lookup4(a, 40000 + i));
            }
        }
    }

    @Test
    void unknownFamilyIsAnError() {
        view.putShort(0, (short) 1); // AF_UNIX
        assertThrows(IOException.class, () -> cache.lookup(view, 0));
    }

    private InetSocketAddress lookup6(byte[] address, int port, int scope) throws IOException {
        for (int i = 0; i < 28; i++) {
            view.put(i, (byte) 0);
        }
        view.putShort(0, (short) SockAddr.AF_INET6);
        SockAddr.putPort(view, 2, port);
        view.put(8, address);
        view.putInt(24, scope);
        return cache.lookup(view, 0).remote();
    }

    private InetSocketAddress lookup4(byte[] address, int port) throws IOException {
        for (int i = 0; i < 28; i++) {
            view.put(i, (byte) 0);
        }
        view.putShort(0, (short) SockAddr.AF_INET);
        SockAddr.putPort(view, 2, port);
        view.put(4, address);
        return cache.lookup(view, 0).remote();
    }
}
