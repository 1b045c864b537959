package dev.wgdesk.platform.macos;

/**
 * Darwin (macOS) numbers for utun, kernel control sockets, interface ioctls and the routing
 * socket. Kept apart from the Linux module's constants: AF_INET6, errno values and the
 * {@code ifreq} size all differ between the two kernels.
 *
 * <p>Source: the xnu headers at tag xnu-11417.101.15 ({@code bsd/sys/sys_domain.h},
 * {@code bsd/sys/kern_control.h}, {@code bsd/net/if_utun.h}, {@code bsd/sys/sockio.h},
 * {@code bsd/net/if.h}, {@code bsd/net/route.h}, {@code bsd/sys/errno.h}, {@code bsd/sys/poll.h}),
 * as checked with clang for arm64-apple-macos11 and x86_64-apple-macos10.15 in the project's
 * porting notes (ports.md §1.1 and §3c). {@code DarwinTest} asserts every value against those
 * notes and recomputes the ioctl request numbers from {@code _IOWR}/{@code _IOW}.
 *
 * <p>Not instantiable.
 */
final class Darwin {
    private Darwin() {}

    // ---- address families, socket types, protocols ----
    static final int AF_UNSPEC = 0;
    static final int AF_INET = 2;
    /** 30 on Darwin (10 on Linux). */
    static final int AF_INET6 = 30;
    static final int AF_ROUTE = 17;
    /** {@code AF_SYSTEM}, the same number as {@code PF_SYSTEM}. */
    static final int AF_SYSTEM = 32;
    static final int PF_SYSTEM = AF_SYSTEM;
    static final int AF_SYS_CONTROL = 2;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_RAW = 3;
    static final int SYSPROTO_CONTROL = 2;

    // ---- utun ----
    /** The kernel control utun registers. */
    static final String UTUN_CONTROL_NAME = "com.apple.net.utun_control";
    /** {@code getsockopt(fd, SYSPROTO_CONTROL, UTUN_OPT_IFNAME)}: the interface name. */
    static final int UTUN_OPT_IFNAME = 2;
    /** Bytes in front of every packet on a utun socket: the address family, big-endian. */
    static final int UTUN_HEADER = 4;

    // ---- struct layouts (identical on arm64 and x86-64) ----
    static final int MAX_KCTL_NAME = 96;
    /** {@code struct ctl_info { u_int32_t ctl_id; char ctl_name[96]; }}. */
    static final int CTL_INFO_SIZE = 100;
    static final int CTL_INFO_NAME = 4;
    /** {@code struct sockaddr_ctl}: len, family, sysaddr, id, unit, reserved[5]. */
    static final int SOCKADDR_CTL_SIZE = 32;
    static final int SOCKADDR_CTL_FAMILY = 1;
    static final int SOCKADDR_CTL_SYSADDR = 2;
    static final int SOCKADDR_CTL_ID = 4;
    static final int SOCKADDR_CTL_UNIT = 8;
    static final int IFNAMSIZ = 16;
    /** {@code struct ifreq}: 16-byte name and a 16-byte union (32 bytes; 40 on Linux). */
    static final int IFREQ_SIZE = 32;
    static final int IFREQ_UNION = 16;

    // ---- ioctl requests (unsigned long: always pass them as long) ----
    static final long CTLIOCGINFO = 0xC0644E03L; // _IOWR('N', 3, struct ctl_info)
    static final long SIOCSIFMTU = 0x80206934L; // _IOW('i', 52, struct ifreq)
    static final long SIOCGIFMTU = 0xC0206933L; // _IOWR('i', 51, struct ifreq)
    static final long SIOCSIFFLAGS = 0x80206910L; // _IOW('i', 16, struct ifreq)
    static final long SIOCGIFFLAGS = 0xC0206911L; // _IOWR('i', 17, struct ifreq)
    static final int IFF_UP = 0x1;

    // ---- routing socket ----
    static final int RTM_VERSION = 5;
    static final int RTM_ADD = 0x1;
    static final int RTM_DELETE = 0x2;
    static final int RTM_NEWADDR = 0xC;
    static final int RTM_DELADDR = 0xD;
    static final int RTM_IFINFO = 0xE;
    /** {@code struct if_msghdr}: offsets of the fields the event reducer reads. */
    static final int IFM_TYPE = 3;
    static final int IFM_FLAGS = 8;
    static final int IFM_INDEX = 12;
    static final int IFM_MTU = 24; // ifm_data.ifi_mtu

    // ---- poll, errno ----
    static final short POLLIN = 0x1;
    static final short POLLERR = 0x8;
    static final short POLLHUP = 0x10;
    static final short POLLNVAL = 0x20;
    static final int POLLFD_SIZE = 8;
    static final int F_GETFL = 3;
    static final int F_SETFL = 4;
    static final int O_NONBLOCK = 0x4;
    static final int EINTR = 4;
    static final int EAGAIN = 35;
    static final int EBADF = 9;
    static final int EACCES = 13;
    static final int EPERM = 1;
    static final int EBUSY = 16;
    static final int ENOBUFS = 55;

    /** BSD {@code _IOC}: direction bits, 13-bit length, group and number. */
    static long ioc(long direction, int group, int num, int len) {
        return direction | ((long) (len & 0x1fff) << 16) | ((long) group << 8) | num;
    }

    /** {@code _IOWR(group, num, type of len bytes)}. */
    static long iowr(char group, int num, int len) {
        return ioc(0xC0000000L, group, num, len);
    }

    /** {@code _IOW(group, num, type of len bytes)}. */
    static long iow(char group, int num, int len) {
        return ioc(0x80000000L, group, num, len);
    }
}
