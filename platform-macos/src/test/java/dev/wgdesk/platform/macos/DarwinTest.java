package dev.wgdesk.platform.macos;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.Structure;
import org.junit.jupiter.api.Test;

/**
 * Every Darwin number the module hard-codes, against the values in the project's porting notes
 * (../shared/reference/ports.md §1.1 and §3c: checked with clang for arm64-apple-macos11 and
 * x86_64-apple-macos10.15 against the xnu-11417.101.15 headers; identical on both targets, since
 * every field is a fixed-width type at its natural alignment). The expected values are written
 * here literally, not taken from {@link Darwin}.
 */
class DarwinTest {
    @Test
    void familiesAndProtocolsMatchXnu() {
        assertEquals(32, Darwin.AF_SYSTEM);
        assertEquals(32, Darwin.PF_SYSTEM);
        assertEquals(2, Darwin.SYSPROTO_CONTROL);
        assertEquals(2, Darwin.AF_SYS_CONTROL);
        assertEquals(2, Darwin.AF_INET);
        assertEquals(30, Darwin.AF_INET6, "Darwin's AF_INET6 is 30, not Linux's 10");
        assertEquals(17, Darwin.AF_ROUTE);
        assertEquals(2, Darwin.SOCK_DGRAM);
        assertEquals(2, Darwin.UTUN_OPT_IFNAME);
        assertEquals(96, Darwin.MAX_KCTL_NAME);
        assertEquals("com.apple.net.utun_control", Darwin.UTUN_CONTROL_NAME);
        assertEquals(4, Darwin.UTUN_HEADER);
    }

    @Test
    void structLayoutsMatchXnu() {
        assertEquals(100, Darwin.CTL_INFO_SIZE);
        assertEquals(4, Darwin.CTL_INFO_NAME);
        assertEquals(Darwin.CTL_INFO_NAME + Darwin.MAX_KCTL_NAME, Darwin.CTL_INFO_SIZE);
        assertEquals(32, Darwin.SOCKADDR_CTL_SIZE);
        assertEquals(1, Darwin.SOCKADDR_CTL_FAMILY);
        assertEquals(2, Darwin.SOCKADDR_CTL_SYSADDR);
        assertEquals(4, Darwin.SOCKADDR_CTL_ID);
        assertEquals(8, Darwin.SOCKADDR_CTL_UNIT);
        assertEquals(16, Darwin.IFNAMSIZ);
        assertEquals(32, Darwin.IFREQ_SIZE, "40 on Linux");
        assertEquals(16, Darwin.IFREQ_UNION);
        assertEquals(3, Darwin.IFM_TYPE);
        assertEquals(8, Darwin.IFM_FLAGS);
        assertEquals(12, Darwin.IFM_INDEX);
        assertEquals(24, Darwin.IFM_MTU);
    }

    /** Exposes JNA's computed field offsets. */
    public abstract static class Layout extends Structure {
        int offsetOf(String field) {
            return fieldOffset(field);
        }
    }

    /** The same structs declared field by field: JNA's layout (natural alignment) gives the offsets. */
    @Structure.FieldOrder({"ctl_id", "ctl_name"})
    public static final class CtlInfo extends Layout {
        public int ctl_id;
        public byte[] ctl_name = new byte[96];
    }

    @Structure.FieldOrder({"sc_len", "sc_family", "ss_sysaddr", "sc_id", "sc_unit", "sc_reserved"})
    public static final class SockaddrCtl extends Layout {
        public byte sc_len;
        public byte sc_family;
        public short ss_sysaddr;
        public int sc_id;
        public int sc_unit;
        public int[] sc_reserved = new int[5];
    }

    @Structure.FieldOrder({"ifr_name", "ifr_mtu", "pad"})
    public static final class IfreqMtu extends Layout {
        public byte[] ifr_name = new byte[16];
        public int ifr_mtu;
        public byte[] pad = new byte[12];
    }

    @Test
    void jnaComputesTheSameLayouts() {
        CtlInfo c = new CtlInfo();
        assertEquals(Darwin.CTL_INFO_SIZE, c.size());
        assertEquals(Darwin.CTL_INFO_NAME, c.offsetOf("ctl_name"));
        SockaddrCtl s = new SockaddrCtl();
        assertEquals(Darwin.SOCKADDR_CTL_SIZE, s.size());
        assertEquals(Darwin.SOCKADDR_CTL_FAMILY, s.offsetOf("sc_family"));
        assertEquals(Darwin.SOCKADDR_CTL_SYSADDR, s.offsetOf("ss_sysaddr"));
        assertEquals(Darwin.SOCKADDR_CTL_ID, s.offsetOf("sc_id"));
        assertEquals(Darwin.SOCKADDR_CTL_UNIT, s.offsetOf("sc_unit"));
        IfreqMtu i = new IfreqMtu();
        assertEquals(Darwin.IFREQ_SIZE, i.size());
        assertEquals(Darwin.IFREQ_UNION, i.offsetOf("ifr_mtu"));
    }

    @Test
    void ioctlRequestsMatchXnuAndTheIocMacros() {
        assertEquals(0xC0644E03L, Darwin.CTLIOCGINFO);
        assertEquals(0x80206934L, Darwin.SIOCSIFMTU);
        assertEquals(0xC0206933L, Darwin.SIOCGIFMTU);
        assertEquals(0x80206910L, Darwin.SIOCSIFFLAGS);
        assertEquals(0xC0206911L, Darwin.SIOCGIFFLAGS);
        // recomputed as <sys/ioccom.h> defines them
        assertEquals(Darwin.CTLIOCGINFO, Darwin.iowr('N', 3, Darwin.CTL_INFO_SIZE));
        assertEquals(Darwin.SIOCSIFMTU, Darwin.iow('i', 52, Darwin.IFREQ_SIZE));
        assertEquals(Darwin.SIOCGIFMTU, Darwin.iowr('i', 51, Darwin.IFREQ_SIZE));
        assertEquals(Darwin.SIOCSIFFLAGS, Darwin.iow('i', 16, Darwin.IFREQ_SIZE));
        assertEquals(Darwin.SIOCGIFFLAGS, Darwin.iowr('i', 17, Darwin.IFREQ_SIZE));
        // the other requests ports.md lists, for the activation code to come
        assertEquals(0x8040691AL, Darwin.iow('i', 26, 64), "SIOCAIFADDR, struct ifaliasreq 64 B");
        assertEquals(0x8080691AL, Darwin.iow('i', 26, 128), "SIOCAIFADDR_IN6, struct in6_aliasreq 128 B");
        // unsigned long: positive as a Java long
        assertEquals(true, Darwin.CTLIOCGINFO > 0);
    }

    @Test
    void routingSocketNumbersMatchXnu() {
        assertEquals(5, Darwin.RTM_VERSION);
        assertEquals(0x1, Darwin.RTM_ADD);
        assertEquals(0x2, Darwin.RTM_DELETE);
        assertEquals(0xC, Darwin.RTM_NEWADDR);
        assertEquals(0xD, Darwin.RTM_DELADDR);
        assertEquals(0xE, Darwin.RTM_IFINFO);
        assertEquals(0x1, Darwin.IFF_UP);
    }

    /**
     * Values not in ports.md: the classic BSD numbers from xnu's {@code bsd/sys/errno.h},
     * {@code bsd/sys/fcntl.h} and {@code bsd/sys/poll.h}, listed here so a change is deliberate.
     * EAGAIN is 35 on Darwin (11 on Linux), O_NONBLOCK 4 (0x800 on Linux).
     */
    @Test
    void bsdErrnoFcntlAndPollNumbers() {
        assertEquals(35, Darwin.EAGAIN);
        assertEquals(4, Darwin.EINTR);
        assertEquals(9, Darwin.EBADF);
        assertEquals(1, Darwin.EPERM);
        assertEquals(13, Darwin.EACCES);
        assertEquals(16, Darwin.EBUSY);
        assertEquals(55, Darwin.ENOBUFS);
        assertEquals(3, Darwin.F_GETFL);
        assertEquals(4, Darwin.F_SETFL);
        assertEquals(4, Darwin.O_NONBLOCK);
        assertEquals(1, Darwin.POLLIN);
        assertEquals(8, Darwin.POLLFD_SIZE);
    }
}
