package dev.wgdesk.platform.linux;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Throughput of 1420-byte packets through a TUN, in a private network namespace:
 * <ul>
 *   <li>write: one thread writes IPv4/UDP packets into the TUN, the kernel delivers them to a
 *       local UDP socket drained by a second thread;
 *   <li>read: a second thread sends UDP datagrams routed out through the TUN, one thread reads.
 * </ul>
 * Each is measured for {@link LinuxTun} (JNA read/write on native memory plus a copy into the
 * heap buffer), {@link LinuxTun} reading in batches, and a {@link FileChannel} on the same kind of
 * descriptor (the JDK's own read/write on heap buffers). Prints packets/s and the CPU time the
 * TUN thread spends per packet. Not a test; needs root:
 * {@code java --enable-native-access=ALL-UNNAMED -cp ... dev.wgdesk.platform.linux.TunBenchmark [seconds]}.
 */
public final class TunBenchmark {
    private static final int PACKET = 1420;
    private static final String TUN = "wgdbench0";
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    /** The two ways of moving packets that are compared. */
    private interface Io extends AutoCloseable {
        int read(ByteBuffer[] bufs) throws IOException;

        void write(ByteBuffer b) throws IOException;

        @Override
        void close() throws IOException;
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        rawCallOverhead(seconds);
        try (Netns ns = Netns.create("wgdbench" + ProcessHandle.current().pid() % 1000)) {
            for (int round = 0; round < 2; round++) {
                for (String kind : new String[] {"jna", "jna-batch16", "filechannel"}) {
                    try (Io io = open(ns, kind)) {
                        measureWrite(ns, kind, io, seconds);
                        measureRead(ns, kind, io, seconds);
                    }
                }
            }
        }
    }

    /**
     * The Java-side cost of one 1420-byte read and write, with a syscall that does almost no
     * work: /dev/zero and /dev/null through JNA plus a copy, and through a FileChannel.
     */
    private static void rawCallOverhead(int seconds) throws Exception {
        NativeBuffer nb = new NativeBuffer(LinuxTun.MAX_PACKET, false);
        ByteBuffer heap = ByteBuffer.allocate(2048);
        int zero = LibC.open("/dev/zero", 0x80000);
        int nul = LibC.open("/dev/null", 0x80001);
        try (FileChannel zch = FileChannel.open(Path.of("/dev/zero"), StandardOpenOption.READ);
                FileChannel nch = FileChannel.open(Path.of("/dev/null"), StandardOpenOption.WRITE)) {
            for (int round = 0; round < 2; round++) {
                print("jna", "read /dev/zero + copy to heap", loop(seconds, () -> {
                    long r = LibC.read(zero, nb.address(), PACKET);
                    heap.limit(16 + (int) r);
                    nb.copyTo(heap, 16, (int) r);
                    return 1;
                }, null));
                print("filechannel", "read /dev/zero into heap", loop(seconds, () -> {
                    heap.clear().position(16).limit(16 + PACKET);
                    zch.read(heap);
                    return 1;
                }, null));
                print("ffm", "read /dev/zero into heap (critical)", loop(seconds, () -> {
                    long r;
                    try {
                        r = (long) FFM_READ.invokeExact(zero, java.lang.foreign.MemorySegment.ofArray(heap.array()).asSlice(16), (long) PACKET);
                    } catch (Throwable t) {
                        throw new IOException(t);
                    }
                    heap.limit(16 + (int) r);
                    return 1;
                }, null));
                print("jna", "copy from heap + write /dev/null", loop(seconds, () -> {
                    nb.copyFrom(heap.clear(), 16, PACKET);
                    LibC.write(nul, nb.address(), PACKET);
                    return 1;
                }, null));
                print("filechannel", "write heap to /dev/null", loop(seconds, () -> {
                    heap.clear().position(16).limit(16 + PACKET);
                    nch.write(heap);
                    return 1;
                }, null));
            }
        } finally {
            LibC.close(zero);
            LibC.close(nul);
        }
    }

    /** For comparison only: read(2) through the JDK's Foreign Function API, heap access allowed. */
    @SuppressWarnings("restricted")
    private static final java.lang.invoke.MethodHandle FFM_READ = java.lang.foreign.Linker.nativeLinker().downcallHandle(
            java.lang.foreign.Linker.nativeLinker().defaultLookup().find("read").orElseThrow(),
            java.lang.foreign.FunctionDescriptor.of(java.lang.foreign.ValueLayout.JAVA_LONG, java.lang.foreign.ValueLayout.JAVA_INT,
                    java.lang.foreign.ValueLayout.ADDRESS, java.lang.foreign.ValueLayout.JAVA_LONG),
            java.lang.foreign.Linker.Option.critical(true));

    private static Io open(Netns ns, String kind) throws IOException {
        Io io = switch (kind) {
            case "jna" -> jna(ns.call(() -> new LinuxTunProvider(1).create(TUN, 1500)), 1);
            case "jna-batch16" -> jna(ns.call(() -> new LinuxTunProvider(16).create(TUN, 1500)), 16);
            default -> ns.call(TunBenchmark::fileChannel);
        };
        ns.ip("addr", "add", "10.213.0.1/24", "dev", TUN);
        return io;
    }

    private static Io jna(LinuxTun tun, int batch) {
        return new Io() {
            private final ByteBuffer[] one = new ByteBuffer[1];

            @Override
            public int read(ByteBuffer[] bufs) throws IOException {
                return tun.read(bufs, batch);
            }

            @Override
            public void write(ByteBuffer b) throws IOException {
                one[0] = b;
                tun.write(one, 1);
            }

            @Override
            public void close() {
                tun.close();
            }
        };
    }

    /**
     * Opens /dev/net/tun with the JDK, finds the new descriptor's number in /proc/self/fd (the
     * only way without reflection into java.io), attaches it with TUNSETIFF and configures the
     * link. Benchmark only: the lookup races with other threads opening the device.
     */
    private static Io fileChannel() throws IOException {
        Set<String> before = tunFds();
        FileChannel ch = FileChannel.open(Path.of("/dev/net/tun"), StandardOpenOption.READ, StandardOpenOption.WRITE);
        Set<String> after = tunFds();
        after.removeAll(before);
        if (after.size() != 1) {
            ch.close();
            throw new IOException("cannot identify the channel's descriptor: " + after);
        }
        int fd = Integer.parseInt(after.iterator().next());
        NativeBuffer req = InterfaceControl.ifreq(TUN);
        req.view().putShort(InterfaceControl.IFREQ_UNION, (short) 0x1001);
        if (LibC.ioctl(fd, 0x400454caL, req.address()) != 0) {
            ch.close();
            throw Errno.exception("TUNSETIFF", LibC.errno());
        }
        try (InterfaceControl control = InterfaceControl.open()) {
            control.setMtu(TUN, 1500);
            control.setUp(TUN, true);
        }
        return new Io() {
            @Override
            public int read(ByteBuffer[] bufs) throws IOException {
                ByteBuffer b = bufs[0];
                int pos = b.position();
                b.limit(b.capacity());
                ch.read(b);
                b.limit(b.position()).position(pos);
                return 1;
            }

            @Override
            public void write(ByteBuffer b) throws IOException {
                ch.write(b);
            }

            @Override
            public void close() throws IOException {
                ch.close();
            }
        };
    }

    private static Set<String> tunFds() throws IOException {
        Set<String> fds = new HashSet<>();
        try (var list = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : (Iterable<Path>) list::iterator) {
                try {
                    if (Files.readSymbolicLink(p).toString().equals("/dev/net/tun")) {
                        fds.add(p.getFileName().toString());
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        return fds;
    }

    @SuppressWarnings("try") // the sink is closed early on purpose, to stop the drain thread
    private static void measureWrite(Netns ns, String kind, Io io, int seconds) throws Exception {
        Inet4Address local = (Inet4Address) InetAddress.getByName("10.213.0.1");
        Inet4Address peer = (Inet4Address) InetAddress.getByName("10.213.0.2");
        try (DatagramChannel sink = ns.call(() -> DatagramChannel.open().bind(new InetSocketAddress(local, 0)))) {
            int port = ((InetSocketAddress) sink.getLocalAddress()).getPort();
            byte[] packet = new Ipv4Udp(peer, local, 40000, port, new byte[PACKET - 28]).toBytes();
            AtomicLong received = new AtomicLong();
            Thread drain = Thread.ofPlatform().daemon().start(() -> {
                ByteBuffer b = ByteBuffer.allocateDirect(2048);
                try {
                    while (true) {
                        b.clear();
                        sink.receive(b);
                        received.incrementAndGet();
                    }
                } catch (IOException e) {
                    // closed
                }
            });
            ByteBuffer out = ByteBuffer.allocate(2048);
            long[] result = loop(seconds, () -> {
                out.clear().position(16);
                out.put(packet).limit(out.position()).position(16);
                io.write(out);
                return 1;
            }, received);
            sink.close();
            drain.join(1000);
            print(kind, "write into tun -> local socket", result);
        }
    }

    private static void measureRead(Netns ns, String kind, Io io, int seconds) throws Exception {
        Inet4Address local = (Inet4Address) InetAddress.getByName("10.213.0.1");
        try (DatagramChannel source = ns.call(() -> DatagramChannel.open().bind(new InetSocketAddress(local, 0)))) {
            AtomicBoolean stop = new AtomicBoolean();
            InetSocketAddress to = new InetSocketAddress("10.213.0.2", 9);
            Thread sender = Thread.ofPlatform().daemon().start(() -> {
                ByteBuffer b = ByteBuffer.allocateDirect(PACKET - 28);
                try {
                    while (!stop.get()) {
                        b.clear();
                        source.send(b, to);
                    }
                } catch (IOException e) {
                    // closed
                }
            });
            ByteBuffer[] in = new ByteBuffer[16];
            for (int i = 0; i < in.length; i++) {
                in[i] = ByteBuffer.allocate(2048).position(16);
            }
            long[] result = loop(seconds, () -> io.read(in), null);
            stop.set(true);
            sender.join(1000);
            print(kind, "local socket -> read from tun", result);
        }
    }

    private interface Step {
        int run() throws IOException;
    }

    /** Runs {@code step} for a warm-up half second then {@code seconds}; returns {packets, nanos, cpuNanos, other}. */
    private static long[] loop(int seconds, Step step, AtomicLong other) throws IOException {
        long warmEnd = System.nanoTime() + 500_000_000L;
        while (System.nanoTime() < warmEnd) {
            step.run();
        }
        long otherStart = other == null ? 0 : other.get();
        long cpuStart = MX.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        long packets = 0;
        long now;
        while ((now = System.nanoTime()) < end) {
            packets += step.run();
        }
        return new long[] {packets, now - start, MX.getCurrentThreadCpuTime() - cpuStart,
            other == null ? -1 : other.get() - otherStart};
    }

    private static void print(String kind, String what, long[] r) {
        double secs = r[1] / 1e9;
        System.out.printf("%-12s %-32s %,9.0f pkt/s  %4.0f MB/s  tun thread cpu %,6d ns/pkt%s%n", kind, what,
                r[0] / secs, r[0] * PACKET / secs / 1e6, r[2] / Math.max(1, r[0]),
                r[3] < 0 ? "" : String.format("  (socket got %,9.0f/s)", r[3] / secs));
    }
}
