package dev.wgdesk.app.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LineReaderTest {
    private static String text(LineReader.Line l) {
        return new String(l.bytes(), 0, l.length(), StandardCharsets.UTF_8);
    }

    /** Hands out at most 3 bytes per read, to cross buffer boundaries everywhere. */
    private static InputStream trickle(byte[] data) {
        return new ByteArrayInputStream(data) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 3));
            }
        };
    }

    @Test
    void splitsLinesAcrossReadsAndReturnsTheTailAtEndOfStream() throws IOException {
        LineReader r = new LineReader(trickle("ab\n\ncdefgh\nxyz".getBytes(StandardCharsets.UTF_8)), 100);
        assertEquals("ab", text(r.next()));
        assertEquals("", text(r.next()));
        assertEquals("cdefgh", text(r.next()));
        assertEquals("xyz", text(r.next()));
        assertNull(r.next());
    }

    @Test
    void aLineOverTheBoundIsSkippedToItsEndAndReadingGoesOn() throws IOException {
        byte[] big = new byte[5000];
        Arrays.fill(big, (byte) 'x');
        byte[] data = (new String(big, StandardCharsets.US_ASCII) + "\nok\n").getBytes(StandardCharsets.US_ASCII);
        LineReader r = new LineReader(new ByteArrayInputStream(data), 1000);
        LineReader.Line l = r.next();
        assertTrue(l.tooLong());
        assertEquals(5001, l.size());
        assertEquals("ok", text(r.next()));
        assertNull(r.next());
    }

    @Test
    void theBoundCountsTheNewline() throws IOException {
        LineReader r = new LineReader(new ByteArrayInputStream("1234\n12345\n".getBytes(StandardCharsets.US_ASCII)), 5);
        LineReader.Line first = r.next();
        assertFalse(first.tooLong());
        assertEquals("1234", text(first));
        assertTrue(r.next().tooLong());
    }
}
