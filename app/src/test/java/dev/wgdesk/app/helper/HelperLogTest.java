package dev.wgdesk.app.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.app.ipc.LogEntry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The log ring's bounds: at most {@link HelperLog#CAPACITY} lines and {@link HelperLog#CAPACITY_BYTES}. */
class HelperLogTest {
    @Test
    void longLinesAreBoundedByBytesAndTheOldestGoFirst() {
        HelperLog log = new HelperLog(null);
        int lines = 2_000;
        for (int i = 0; i < lines; i++) {
            log.info("home", String.format("%05d", i) + "x".repeat(HelperLog.MAX_MESSAGE_CHARS - 5));
        }
        List<LogEntry> kept = log.tail(HelperLog.CAPACITY);
        long each = HelperLog.footprint(kept.getFirst());
        assertEquals(HelperLog.ENTRY_OVERHEAD_BYTES + 2L * ("INFO".length() + "home".length() + HelperLog.MAX_MESSAGE_CHARS),
                each);
        // as many whole lines as fit in the byte bound, the newest ones, in order
        int fit = (int) (HelperLog.CAPACITY_BYTES / each);
        assertTrue(fit < lines, "the test must overflow the byte bound: " + fit);
        assertEquals(fit, kept.size());
        assertEquals(fit * each, log.retainedBytes());
        assertTrue(log.retainedBytes() <= HelperLog.CAPACITY_BYTES);
        for (int k = 0; k < fit; k++) {
            assertTrue(kept.get(k).message().startsWith(String.format("%05d", lines - fit + k)), kept.get(k).message());
        }
    }

    @Test
    void shortLinesAreBoundedByCount() {
        HelperLog log = new HelperLog(null);
        for (int i = 0; i < HelperLog.CAPACITY + 7; i++) {
            log.info(null, "l" + i);
        }
        List<LogEntry> kept = log.tail(Integer.MAX_VALUE);
        assertEquals(HelperLog.CAPACITY, kept.size());
        assertEquals("l7", kept.getFirst().message());
        assertEquals("l" + (HelperLog.CAPACITY + 6), kept.getLast().message());
        long sum = kept.stream().mapToLong(HelperLog::footprint).sum();
        assertEquals(sum, log.retainedBytes());
        assertTrue(sum <= HelperLog.CAPACITY_BYTES);
    }

    @Test
    void aLongLineEvictsJustEnoughOldLinesToStayWithinTheBytes() {
        HelperLog log = new HelperLog(null);
        for (int i = 0; i < HelperLog.CAPACITY; i++) {
            log.info(null, String.format("%05d", i) + "s".repeat(195));
        }
        List<LogEntry> before = log.tail(Integer.MAX_VALUE);
        long shortOne = HelperLog.footprint(before.getFirst());
        int n0 = before.size();
        assertTrue(n0 < HelperLog.CAPACITY, "the short lines must fill the ring by bytes: " + n0);
        assertEquals(HelperLog.CAPACITY_BYTES / shortOne, n0);

        log.warning("home", "L".repeat(HelperLog.MAX_MESSAGE_CHARS));
        List<LogEntry> kept = log.tail(Integer.MAX_VALUE);
        long longOne = HelperLog.footprint(kept.getLast());
        assertEquals("L".repeat(HelperLog.MAX_MESSAGE_CHARS), kept.getLast().message());
        long evicted = (n0 * shortOne + longOne - HelperLog.CAPACITY_BYTES + shortOne - 1) / shortOne;
        assertEquals(n0 - evicted + 1, kept.size());
        assertEquals(before.get((int) evicted).message(), kept.getFirst().message());
        assertEquals((n0 - evicted) * shortOne + longOne, log.retainedBytes());
        assertTrue(log.retainedBytes() <= HelperLog.CAPACITY_BYTES);
    }
}
