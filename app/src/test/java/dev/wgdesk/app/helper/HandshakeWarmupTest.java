package dev.wgdesk.app.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class HandshakeWarmupTest {

    @Test
    void everyRoundIsACompleteHandshakeWithMatchingKeys() {
        assertEquals(4, HandshakeWarmup.run(4));
        assertEquals(0, HandshakeWarmup.run(0));
    }

    @Test
    void theBackgroundThreadLogsWhatItDidAndCanBeTurnedOff() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        assertNull(HandshakeWarmup.startInBackground(2, lines::add), "off by default (it costs the helper memory)");
        System.setProperty("wgdesk.helper.warmup", "true");
        Thread t;
        try {
            t = HandshakeWarmup.startInBackground(2, lines::add);
        } finally {
            System.clearProperty("wgdesk.helper.warmup");
        }
        assertTrue(t.isDaemon(), "never keeps the helper alive");
        t.join(60_000);
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.getFirst().startsWith("Handshake code warmed up: 2 of 2 handshakes in "), lines.getFirst());

        System.setProperty("wgdesk.helper.warmup", "false");
        try {
            assertNull(HandshakeWarmup.startInBackground(2, lines::add));
        } finally {
            System.clearProperty("wgdesk.helper.warmup");
        }
    }
}
