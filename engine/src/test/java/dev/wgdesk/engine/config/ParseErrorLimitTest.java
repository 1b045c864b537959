package dev.wgdesk.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.crypto.PrivateKey;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** A hostile file costs a counter past {@link ParseResult#MAX_ERRORS}, not one object per problem. */
class ParseErrorLimitTest {
    static String header() {
        return "[Interface]\nPrivateKey = " + PrivateKey.generate().toBase64() + "\n\n[Peer]\nPublicKey = "
                + PrivateKey.generate().publicKey().toBase64() + "\n";
    }

    @Test
    void aMegabyteOfEmptyAllowedIpsKeepsAHundredErrorsAndCountsTheRest() {
        String head = header() + "AllowedIPs = ";
        int commas = (1 << 20) - head.length() - 1;
        String text = head + ",".repeat(commas) + "\n";
        assertEquals(1 << 20, text.length());
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        ParseResult r = TunnelConfig.parseLenient("big.conf", text);
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertEquals(ParseResult.MAX_ERRORS, r.errors().size());
        assertEquals(commas + 1, r.errorCount(), "every empty entry is counted");
        assertEquals(commas + 1 - ParseResult.MAX_ERRORS, r.omittedErrors());
        assertEquals("big.conf:6:14: AllowedIPs: \"\" is not a valid prefix", r.errors().getFirst().message());
        System.out.printf("parse of 1 MiB of 'AllowedIPs = ,,,,': %,d errors counted, %d kept, %,d bytes allocated%n",
                r.errorCount(), r.errors().size(), allocated);
        // Before the limit: ~1.05 million ConfigError objects, about 300 MB. What is allocated now is
        // the per-entry scan (transient); what the result keeps is 100 errors.
        assertTrue(allocated < 150L << 20, "allocated " + allocated + " bytes");
    }

    @Test
    void belowTheLimitEveryErrorIsKept() {
        ParseResult r = TunnelConfig.parseLenient("few.conf", header() + "AllowedIPs = " + ",".repeat(9) + "\n");
        assertEquals(10, r.errors().size());
        assertEquals(10, r.errorCount());
        assertEquals(0, r.omittedErrors());
    }
}
