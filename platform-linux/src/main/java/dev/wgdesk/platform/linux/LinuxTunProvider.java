package dev.wgdesk.platform.linux;

import java.lang.ref.Reference;
import dev.wgdesk.engine.tun.TunProvider;
import java.io.IOException;

/**
 * Creates {@link LinuxTun}s: opens {@code /dev/net/tun}, attaches it to a named (or
 * kernel-named) interface with {@code TUNSETIFF}, sets the MTU and brings the link up. Found
 * through {@link java.util.ServiceLoader} as a {@link TunProvider}.
 *
 * <p>If a persistent TUN interface of the requested name exists and nobody holds it, the new
 * device attaches to it (as {@code wg-quick} would); any other device of that name is an error.
 * Failures are {@link TunException}s whose {@link TunException#reason() reason} tells
 * permission, missing driver, name in use and invalid name apart.
 */
public final class LinuxTunProvider implements TunProvider {
    /**
     * The batch size used by the no-argument constructor. Reading further packets while the
     * queue is not empty did not lower the CPU time per packet (about 3.3 µs either way, see
     * TunBenchmark), so one packet per call.
     */
    public static final int DEFAULT_BATCH_SIZE = 1;

    /**
     * Whether the no-argument constructor enables TUN offload (IFF_VNET_HDR with TSO/USO: the
     * kernel hands over up to 64 KiB TCP/UDP super-packets, cut here into MTU-sized packets, so
     * one read returns dozens of packets). On: it is correct (TunRelayTest, and the engine's
     * namespace scenarios) and, measured with bench/throughput.sh on 2 cores, raised one TCP
     * stream through wgdesk-engine from 644 to 1054 Mbit/s (wireguard-go: 595 in the same run).
     */
    public static final boolean DEFAULT_OFFLOAD = true;

    static final String DEVICE = "/dev/net/tun";
    private static final long TUNSETIFF = 0x400454caL; // _IOW('T', 202, int)
    private static final short IFF_TUN = 0x0001;
    private static final short IFF_NO_PI = 0x1000;
    private static final int O_RDWR = 2;
    private static final int O_NONBLOCK = 0x800;
    private static final int O_CLOEXEC = 0x80000;

    private static final short IFF_VNET_HDR = 0x4000;
    private static final long TUNSETOFFLOAD = 0x400454d0L; // _IOW('T', 208, unsigned int)
    private static final long TUNSETVNETHDRSZ = 0x400454d8L; // _IOW('T', 216, int)
    private static final int TUN_F_CSUM = 0x01;
    private static final int TUN_F_TSO4 = 0x02;
    private static final int TUN_F_TSO6 = 0x04;
    private static final int TUN_F_USO4 = 0x20;
    private static final int TUN_F_USO6 = 0x40;

    private final int batchSize;
    private final boolean offload;
    private final boolean coalesce;
    private final String device;

    /**
     * The provider ServiceLoader finds: {@link #DEFAULT_BATCH_SIZE} and {@link #DEFAULT_OFFLOAD},
     * unless the system properties {@code wgdesk.tun.offload} (true/false) and
     * {@code wgdesk.tun.batch} (1..1024; 64 by default with offload, so one read can return all
     * the segments of a super-packet) say otherwise. With offload, {@code wgdesk.tun.gro=false}
     * turns off the merging of TCP segments on write ({@link TunCoalescer}), on by default.
     */
    public LinuxTunProvider() {
        this(batchFromProperties(), Boolean.parseBoolean(
                System.getProperty("wgdesk.tun.offload", Boolean.toString(DEFAULT_OFFLOAD))),
                Boolean.parseBoolean(System.getProperty("wgdesk.tun.gro", "true")), DEVICE);
    }

    private static int batchFromProperties() {
        boolean offload = Boolean.parseBoolean(System.getProperty("wgdesk.tun.offload", Boolean.toString(DEFAULT_OFFLOAD)));
        String b = System.getProperty("wgdesk.tun.batch");
        return b != null ? Integer.parseInt(b) : offload ? 64 : DEFAULT_BATCH_SIZE;
    }

    /**
     * A provider whose devices read up to {@code batchSize} packets per {@link LinuxTun#read}
     * call (further packets are taken only while the kernel queue is not empty).
     */
    public LinuxTunProvider(int batchSize) {
        this(batchSize, false, DEVICE);
    }

    /**
     * A provider whose devices may also use offloads: with {@code offload}, the interface is
     * opened with {@code IFF_VNET_HDR} and told ({@code TUNSETOFFLOAD}) that it may hand over
     * TCP and UDP packets of up to 64 KiB with partial checksums, which {@link LinuxTun#read}
     * cuts into MTU-sized packets itself ({@link TunOffload}); the kernel's stack then handles
     * one large packet where it would have handled dozens.
     */
    public LinuxTunProvider(int batchSize, boolean offload) {
        this(batchSize, offload, DEVICE);
    }

    /**
     * As {@link #LinuxTunProvider(int, boolean)}; with {@code offload}, {@code coalesce} says
     * whether writes merge runs of TCP segments into super-packets ({@link TunCoalescer}).
     */
    public LinuxTunProvider(int batchSize, boolean offload, boolean coalesce) {
        this(batchSize, offload, coalesce, DEVICE);
    }

    /** With another clone device than {@code /dev/net/tun} (tests of the error paths). */
    LinuxTunProvider(int batchSize, boolean offload, String device) {
        this(batchSize, offload, offload, device);
    }

    private LinuxTunProvider(int batchSize, boolean offload, boolean coalesce, String device) {
        if (batchSize < 1 || batchSize > 1024) {
            throw new IllegalArgumentException("batch size must be 1..1024, not " + batchSize);
        }
        this.batchSize = batchSize;
        this.offload = offload;
        this.coalesce = offload && coalesce;
        this.device = device;
    }

    @Override
    public boolean isSupported() {
        return LibC.isAvailable();
    }

    /**
     * Creates the interface, or attaches to an unheld persistent TUN of that name.
     *
     * @param name the interface name (at most 15 ASCII characters; {@code %d} lets the kernel
     *     number it), or {@code null} for a kernel-chosen {@code tunN}
     * @param mtu the MTU to set
     * @throws TunException for permission, a missing driver, a name in use, an invalid name or MTU
     */
    @Override
    public LinuxTun create(String name, int mtu) throws IOException {
        LibC.ensureAvailable();
        if (name != null) {
            InterfaceControl.validateName(name);
        }
        if (mtu < 68 || mtu > LinuxTun.MAX_PACKET) {
            throw new TunException(TunException.Reason.INVALID_MTU, "MTU must be 68..65535, not " + mtu);
        }
        InterfaceControl control = InterfaceControl.open();
        int fd = -1;
        String actual;
        int index;
        try {
            fd = openDevice(device);
            actual = attach(fd, name, control, offload);
            if (offload) {
                enableOffload(fd, actual);
            }
            control.setMtu(actual, mtu);
            control.setUp(actual, true);
            index = control.index(actual);
            if (index == 0) {
                throw new IOException("TUN interface " + actual + " disappeared while being set up");
            }
        } catch (IOException | RuntimeException e) {
            if (fd >= 0) {
                LibC.close(fd);
            }
            control.close();
            throw e;
        }
        return new LinuxTun(actual, index, fd, control, batchSize, offload, coalesce);
    }

    private static int openDevice(String device) throws TunException {
        int fd = LibC.open(device, O_RDWR | O_NONBLOCK | O_CLOEXEC);
        if (fd >= 0) {
            return fd;
        }
        int errno = LibC.errno();
        if (errno == Errno.ENOENT || errno == Errno.ENODEV || errno == Errno.ENXIO) {
            throw new TunException(TunException.Reason.DRIVER_MISSING,
                    device + " missing (is the tun module loaded? try 'modprobe tun'): " + Errno.describe(errno));
        }
        if (errno == Errno.EACCES || errno == Errno.EPERM) {
            throw permissionDenied();
        }
        throw new TunException(TunException.Reason.OTHER, "cannot open " + device + ": " + Errno.describe(errno));
    }

    /** TUNSETIFF; returns the interface's actual name. */
    private static String attach(int fd, String name, InterfaceControl control, boolean offload) throws IOException {
        NativeBuffer req = InterfaceControl.ifreq(name == null ? "" : name);
        req.view().putShort(InterfaceControl.IFREQ_UNION, (short) (IFF_TUN | IFF_NO_PI | (offload ? IFF_VNET_HDR : 0)));
        if (LibC.ioctl(fd, TUNSETIFF, req.address()) == 0) {
            return InterfaceControl.name(req);
        }
        int errno = LibC.errno();
        switch (errno) {
            case Errno.EPERM, Errno.EACCES -> throw permissionDenied();
            case Errno.EBUSY -> throw new TunException(TunException.Reason.NAME_IN_USE,
                    "interface name in use: " + name + " (a TUN device of that name is held by another process)");
            case Errno.EEXIST -> throw new TunException(TunException.Reason.NAME_IN_USE,
                    "interface name in use: " + name);
            case Errno.EINVAL -> {
                if (name != null && control.index(name) != 0) {
                    throw new TunException(TunException.Reason.NAME_IN_USE,
                            "interface name in use: " + name + " (an existing interface that is not a TUN device)");
                }
                throw new TunException(TunException.Reason.INVALID_NAME,
                        "invalid interface name \"" + (name == null ? "" : InterfaceControl.printable(name))
                                + "\": rejected by the kernel");
            }
            default -> throw new TunException(TunException.Reason.OTHER,
                    "cannot create TUN interface " + (name == null ? "" : name) + ": " + Errno.describe(errno));
        }
    }

    /** Sets the 10-byte virtio header and the offloads: TCP and UDP segmentation, or TCP only before 6.2. */
    private static void enableOffload(int fd, String name) throws IOException {
        NativeBuffer arg = new NativeBuffer(4);
        arg.view().putInt(0, TunOffload.VNET_HDR_LEN);
        int r = LibC.ioctl(fd, TUNSETVNETHDRSZ, arg.address());
        int errno = r != 0 ? LibC.errno() : 0;
        Reference.reachabilityFence(arg); // the memory must outlive the native call
        if (r != 0) {
            throw Errno.exception("TUNSETVNETHDRSZ on " + name, errno);
        }
        int all = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;
        if (LibC.ioctl(fd, TUNSETOFFLOAD, all | TUN_F_USO4 | TUN_F_USO6) != 0
                && LibC.ioctl(fd, TUNSETOFFLOAD, all) != 0) {
            throw Errno.exception("TUNSETOFFLOAD on " + name, LibC.errno());
        }
    }

    private static TunException permissionDenied() {
        return new TunException(TunException.Reason.PERMISSION_DENIED,
                "permission denied: creating a TUN device needs root or CAP_NET_ADMIN");
    }
}
