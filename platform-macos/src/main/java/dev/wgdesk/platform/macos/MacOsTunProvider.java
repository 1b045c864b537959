package dev.wgdesk.platform.macos;

import com.sun.jna.Memory;
import com.sun.jna.Platform;
import dev.wgdesk.engine.tun.TunProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Creates {@link Utun} devices on macOS, the way wireguard-go's {@code tun_darwin.go} does:
 * {@code socket(PF_SYSTEM, SOCK_DGRAM, SYSPROTO_CONTROL)}, {@code ioctl(CTLIOCGINFO)} for
 * {@code com.apple.net.utun_control}, {@code connect} with a {@code sockaddr_ctl} whose unit is
 * 0 (the kernel picks the next free {@code utunN}) or N+1 for a requested {@code utunN},
 * {@code getsockopt(UTUN_OPT_IFNAME)} for the name; then the MTU ({@code SIOCSIFMTU}) and the
 * up flag ({@code SIOCSIFFLAGS}) on an {@code AF_INET} datagram socket, and a {@code PF_ROUTE}
 * socket for the interface's events. Needs root (the helper, never the UI). Found through
 * {@link java.util.ServiceLoader} as a {@link TunProvider}.
 *
 * <p>On macOS the kernel names the interface: a requested name other than {@code utunN} (a
 * tunnel name such as {@code wg0}) is not an error, the device simply gets the next free
 * {@code utunN}; {@link Utun#name()} says which.
 */
public final class MacOsTunProvider implements TunProvider {
    private static final Pattern UTUN = Pattern.compile("utun(\\d{1,6})");

    private final DarwinNative sys;
    private final boolean supported;

    /** The provider ServiceLoader finds: libc through JNA, supported on macOS only. */
    public MacOsTunProvider() {
        this(null, Platform.isMac());
    }

    /** With another native layer (tests: a simulated kernel). */
    MacOsTunProvider(DarwinNative sys, boolean supported) {
        this.sys = sys;
        this.supported = supported;
    }

    @Override
    public boolean isSupported() {
        return supported;
    }

    /** The {@code sc_unit} for a requested name: N+1 for {@code utunN}, else 0 (kernel's choice). */
    static int unitFor(String name) {
        if (name == null) {
            return 0;
        }
        Matcher m = UTUN.matcher(name);
        return m.matches() ? Integer.parseInt(m.group(1)) + 1 : 0;
    }

    @Override
    public Utun create(String name, int mtu) throws IOException {
        if (!supported) {
            throw new IOException("utun exists only on macOS; this is " + System.getProperty("os.name"));
        }
        if (mtu < 68 || mtu > Utun.MAX_PACKET) {
            throw new IOException("MTU must be 68..65535, not " + mtu);
        }
        DarwinNative s = sys != null ? sys : DarwinNative.system();
        int fd = s.socket(Darwin.PF_SYSTEM, Darwin.SOCK_DGRAM, Darwin.SYSPROTO_CONTROL);
        if (fd < 0) {
            throw failure(s, "socket(PF_SYSTEM, SOCK_DGRAM, SYSPROTO_CONTROL)", s.errno());
        }
        int control = -1;
        int route = -1;
        try {
            // The routing socket first, so no change made after the baseline below goes unseen.
            route = s.socket(Darwin.AF_ROUTE, Darwin.SOCK_RAW, Darwin.AF_UNSPEC);
            if (route < 0) {
                throw failure(s, "socket(AF_ROUTE, SOCK_RAW)", s.errno());
            }
            String actual = connect(s, fd, unitFor(name));
            control = s.socket(Darwin.AF_INET, Darwin.SOCK_DGRAM, 0);
            if (control < 0) {
                throw failure(s, "socket(AF_INET, SOCK_DGRAM)", s.errno());
            }
            setMtu(s, control, actual, mtu);
            setUp(s, control, actual);
            int index = s.ifNameToIndex(actual);
            if (index == 0) {
                throw new IOException("utun interface " + actual + " has no index (it disappeared while being set up)");
            }
            int f = fd;
            int c = control;
            int r = route;
            fd = -1; // owned by the device from here on, even if its constructor fails
            control = -1;
            route = -1;
            return new Utun(s, actual, index, f, c, r, mtu);
        } finally {
            if (fd >= 0) {
                s.close(fd);
            }
            if (control >= 0) {
                s.close(control);
            }
            if (route >= 0) {
                s.close(route);
            }
        }
    }

    /** CTLIOCGINFO, connect, UTUN_OPT_IFNAME; returns the interface's name. */
    private static String connect(DarwinNative s, int fd, int unit) throws IOException {
        int id;
        try (Memory info = new Memory(Darwin.CTL_INFO_SIZE)) {
            info.clear();
            byte[] n = Darwin.UTUN_CONTROL_NAME.getBytes(StandardCharsets.US_ASCII);
            info.write(Darwin.CTL_INFO_NAME, n, 0, n.length);
            if (s.ioctl(fd, Darwin.CTLIOCGINFO, info) < 0) {
                throw failure(s, "ioctl(CTLIOCGINFO, " + Darwin.UTUN_CONTROL_NAME + ")", s.errno());
            }
            id = info.getInt(0);
        }
        try (Memory addr = new Memory(Darwin.SOCKADDR_CTL_SIZE)) {
            addr.clear();
            addr.setByte(0, (byte) Darwin.SOCKADDR_CTL_SIZE);
            addr.setByte(Darwin.SOCKADDR_CTL_FAMILY, (byte) Darwin.AF_SYSTEM);
            addr.setShort(Darwin.SOCKADDR_CTL_SYSADDR, (short) Darwin.AF_SYS_CONTROL);
            addr.setInt(Darwin.SOCKADDR_CTL_ID, id);
            addr.setInt(Darwin.SOCKADDR_CTL_UNIT, unit);
            if (s.connect(fd, addr, Darwin.SOCKADDR_CTL_SIZE) < 0) {
                int errno = s.errno();
                if (errno == Darwin.EBUSY) {
                    throw new IOException("interface name in use: utun" + (unit - 1));
                }
                throw failure(s, "connect to " + Darwin.UTUN_CONTROL_NAME, errno);
            }
        }
        try (Memory name = new Memory(Darwin.IFNAMSIZ); Memory len = new Memory(4)) {
            name.clear();
            len.setInt(0, Darwin.IFNAMSIZ);
            if (s.getsockopt(fd, Darwin.SYSPROTO_CONTROL, Darwin.UTUN_OPT_IFNAME, name, len) < 0) {
                throw failure(s, "getsockopt(UTUN_OPT_IFNAME)", s.errno());
            }
            String n = name.getString(0, StandardCharsets.US_ASCII.name());
            if (n.isEmpty()) {
                throw new IOException("the kernel gave the utun interface no name");
            }
            return n;
        }
    }

    private static void setMtu(DarwinNative s, int control, String name, int mtu) throws IOException {
        try (Memory ifr = Utun.ifreq(name)) {
            ifr.setInt(Darwin.IFREQ_UNION, mtu);
            if (s.ioctl(control, Darwin.SIOCSIFMTU, ifr) < 0) {
                throw failure(s, "setting MTU " + mtu + " on " + name + " (SIOCSIFMTU)", s.errno());
            }
        }
    }

    private static void setUp(DarwinNative s, int control, String name) throws IOException {
        try (Memory ifr = Utun.ifreq(name)) {
            if (s.ioctl(control, Darwin.SIOCGIFFLAGS, ifr) < 0) {
                throw failure(s, "reading the flags of " + name + " (SIOCGIFFLAGS)", s.errno());
            }
            ifr.setShort(Darwin.IFREQ_UNION, (short) (ifr.getShort(Darwin.IFREQ_UNION) | Darwin.IFF_UP));
            if (s.ioctl(control, Darwin.SIOCSIFFLAGS, ifr) < 0) {
                throw failure(s, "bringing " + name + " up (SIOCSIFFLAGS)", s.errno());
            }
        }
    }

    private static IOException failure(DarwinNative s, String what, int errno) {
        if (errno == Darwin.EPERM || errno == Darwin.EACCES) {
            return new IOException("permission denied: " + what + " needs root (the wgdesk helper runs as root)");
        }
        return new IOException(what + " failed: errno " + errno);
    }
}
