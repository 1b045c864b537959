package dev.wgdesk.engine.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Lookups racing a writer: readers must only ever see complete tables. A stable covering route
 * must never disappear while more specific routes under it are inserted, moved and removed.
 */
class AllowedIpsConcurrencyTest {
    private static final int WRITER_OPERATIONS = 60_000;

    @Test
    void readersNeverSeeATornTable() throws Exception {
        Object stable = new Object();
        Object b = new Object();
        Object c = new Object();
        AllowedIps<Object> table = new AllowedIps<>();
        table.insert(new byte[] {10, 0, 0, 0}, 8, stable);
        table.insert(Prefix.parse("fd00::/16"), stable);

        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong lookups = new AtomicLong();
        AtomicLong specific = new AtomicLong();
        int readers = 2;
        CountDownLatch finished = new CountDownLatch(readers);
        for (int r = 0; r < readers; r++) {
            long seed = 1000 + r;
            Thread.ofPlatform().daemon().name("allowedips-reader-" + r).start(() -> {
                try {
                    SplittableRandom rnd = new SplittableRandom(seed);
                    byte[] v4 = {10, 0, 0, 0};
                    byte[] v6 = new byte[16];
                    v6[0] = (byte) 0xfd;
                    while (!done.get()) {
                        for (int i = 0; i < 1000; i++) {
                            v4[1] = (byte) rnd.nextInt(256); // churned region: 10.0-255.x.y
                            v4[2] = (byte) rnd.nextInt(256);
                            v4[3] = (byte) rnd.nextInt(256);
                            Object got = table.lookupV4(v4, 0);
                            if (got != stable && got != b && got != c) {
                                throw new AssertionError("10.x.y.z resolved to " + got);
                            }
                            if (v4[1] == (byte) 255 && got != stable) {
                                throw new AssertionError("10.255/16 is never churned, yet got another peer");
                            }
                            v6[2] = (byte) rnd.nextInt(256);
                            v6[3] = (byte) rnd.nextInt(256);
                            Object got6 = table.lookupV6(v6, 0);
                            if (got6 != stable && got6 != b && got6 != c) {
                                throw new AssertionError("fd00:xx:: resolved to " + got6);
                            }
                            specific.addAndGet(got != stable ? 1 : 0);
                        }
                        lookups.addAndGet(2000);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    finished.countDown();
                }
            });
        }

        SplittableRandom rnd = new SplittableRandom(42);
        try {
            for (int op = 0; op < WRITER_OPERATIONS && failure.get() == null; op++) {
                byte[] v4 = {10, (byte) rnd.nextInt(255), (byte) rnd.nextInt(256), 0}; // never 10.255
                int cidr4 = 16 + rnd.nextInt(17);
                byte[] v6 = new byte[16];
                v6[0] = (byte) 0xfd;
                v6[2] = (byte) rnd.nextInt(256);
                v6[3] = (byte) rnd.nextInt(256);
                int cidr6 = 17 + rnd.nextInt(112);
                Object peer = rnd.nextBoolean() ? b : c;
                switch (rnd.nextInt(5)) {
                    case 0, 1 -> {
                        table.insert(v4, cidr4, peer);
                        table.insert(v6, cidr6, peer);
                    }
                    case 2 -> {
                        table.remove(v4, cidr4, peer);
                        table.remove(v6, cidr6, peer);
                    }
                    case 3 -> table.insert(v4, cidr4, peer == b ? c : b); // a move
                    default -> {
                        if (rnd.nextInt(50) == 0) {
                            table.removeByPeer(peer);
                        }
                    }
                }
            }
        } finally {
            done.set(true);
        }
        assertTrue(finished.await(30, TimeUnit.SECONDS), "readers did not stop");
        if (failure.get() != null) {
            throw new AssertionError("a reader saw an inconsistent table", failure.get());
        }
        assertTrue(lookups.get() > 0 && specific.get() > 0, "the race was exercised: " + lookups + " lookups");
        table.checkInvariants();
        table.removeByPeer(b);
        table.removeByPeer(c);
        assertEquals(2, table.size(), "only the stable routes remain");
        assertNull(table.lookup(new byte[] {11, 0, 0, 0}));
    }
}
