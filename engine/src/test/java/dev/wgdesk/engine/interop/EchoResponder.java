package dev.wgdesk.engine.interop;

import dev.wgdesk.engine.tun.MemoryTun;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plays the operating system behind a {@link MemoryTun}: answers ICMP/ICMPv6 echo requests
 * addressed to our inner addresses, and queues every other packet the device delivers so a test
 * can wait for its own echo replies.
 */
final class EchoResponder implements AutoCloseable {
    private final MemoryTun tun;
    private final Set<InetAddress> ours;
    private final BlockingQueue<byte[]> delivered = new LinkedBlockingQueue<>();
    private final List<String> unexpected = new ArrayList<>(); // guarded by itself
    private final AtomicInteger answeredV4 = new AtomicInteger();
    private final AtomicInteger answeredV6 = new AtomicInteger();
    private final AtomicInteger badRequests = new AtomicInteger();
    private final Thread thread;
    private volatile boolean running = true;

    EchoResponder(MemoryTun tun, InetAddress... ours) {
        this.tun = tun;
        this.ours = Set.of(ours);
        this.thread = Thread.ofPlatform().daemon().name("echo-responder-" + tun.name()).start(this::loop);
    }

    private void loop() {
        try {
            while (running) {
                byte[] p = tun.poll(50, TimeUnit.MILLISECONDS);
                if (p == null) {
                    continue;
                }
                Icmp.Echo e = Icmp.parse(p);
                if (e != null && e.isRequest() && ours.contains(e.dst())) {
                    if (!e.checksumsOk() || e.code() != 0) {
                        badRequests.incrementAndGet(); // the kernel would drop it too
                        continue;
                    }
                    tun.inject(Icmp.replyTo(e));
                    (e.isV6() ? answeredV6 : answeredV4).incrementAndGet();
                } else {
                    delivered.add(p);
                }
            }
        } catch (InterruptedException e) {
            // closing
        }
    }

    /**
     * Waits for the echo reply with this source, id and sequence; other packets delivered
     * meanwhile are remembered for the failure message.
     *
     * @return the reply, or null if none came in time
     */
    Icmp.Echo awaitReply(InetAddress from, int id, int seq, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            byte[] p = delivered.poll(left, TimeUnit.NANOSECONDS);
            if (p == null) {
                return null;
            }
            Icmp.Echo e = Icmp.parse(p);
            if (e != null && e.isReply() && e.src().equals(from) && e.id() == id && e.seq() == seq) {
                return e;
            }
            synchronized (unexpected) {
                unexpected.add(e != null ? e.toString() : "non-echo packet of " + p.length + " bytes, version " + ((p[0] & 0xff) >>> 4));
            }
        }
    }

    /**
     * Collects echo replies carrying {@code id} (in any order) until {@code count} distinct
     * sequence numbers are in or the timeout passes.
     *
     * @return the replies by sequence number
     */
    Map<Integer, Icmp.Echo> collectReplies(int id, int count, Duration timeout) throws InterruptedException {
        Map<Integer, Icmp.Echo> replies = new HashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (replies.size() < count) {
            long left = deadline - System.nanoTime();
            byte[] p = left <= 0 ? null : delivered.poll(left, TimeUnit.NANOSECONDS);
            if (p == null) {
                break;
            }
            Icmp.Echo e = Icmp.parse(p);
            if (e != null && e.isReply() && e.id() == id) {
                replies.put(e.seq(), e);
            } else {
                synchronized (unexpected) {
                    unexpected.add(e != null ? e.toString() : "non-echo packet of " + p.length + " bytes");
                }
            }
        }
        return replies;
    }

    /** Echo requests answered, by family. */
    int answered(boolean v6) {
        return (v6 ? answeredV6 : answeredV4).get();
    }

    /** Echo requests to us that failed their checksums or had a non-zero code. */
    int badRequests() {
        return badRequests.get();
    }

    /** Descriptions of delivered packets no test waited for. */
    List<String> unexpected() {
        synchronized (unexpected) {
            return List.copyOf(unexpected);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(2000);
    }
}
