package dev.wgdesk.engine.noise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.Protocol;
import org.junit.jupiter.api.Test;

/** Strict length and type validation of the four wire formats. */
class MessagesTest {
    private static byte[] message(int type, int len) {
        byte[] b = new byte[len];
        Messages.writeU32(b, 0, type);
        return b;
    }

    @Test
    void offsetsAddUpToTheWireSizes() {
        assertEquals(Protocol.MESSAGE_INITIATION_SIZE, Messages.INITIATION_MAC2 + 16);
        assertEquals(Messages.INITIATION_MAC1, Messages.mac1Offset(148));
        assertEquals(Messages.INITIATION_MAC2, Messages.mac2Offset(148));
        assertEquals(Messages.INITIATION_TIMESTAMP, Messages.INITIATION_STATIC + 48);
        assertEquals(Protocol.MESSAGE_RESPONSE_SIZE, Messages.RESPONSE_MAC2 + 16);
        assertEquals(Messages.RESPONSE_MAC1, Messages.mac1Offset(92));
        assertEquals(Messages.RESPONSE_MAC2, Messages.mac2Offset(92));
        assertEquals(Protocol.MESSAGE_COOKIE_REPLY_SIZE, Messages.COOKIE_REPLY_COOKIE + 32);
        assertEquals(Protocol.MESSAGE_TRANSPORT_HEADER_SIZE, Messages.TRANSPORT_DATA);
    }

    @Test
    void exactSizesForHandshakeMessagesAndAMinimumForTransport() {
        assertEquals(1, Messages.validate(message(1, 148), 0, 148));
        assertEquals(2, Messages.validate(message(2, 92), 0, 92));
        assertEquals(3, Messages.validate(message(3, 64), 0, 64));
        assertEquals(4, Messages.validate(message(4, 32), 0, 32));
        assertEquals(4, Messages.validate(message(4, 1500), 0, 1500));
        assertEquals(Messages.INVALID, Messages.validate(message(1, 149), 0, 149));
        assertEquals(Messages.INVALID, Messages.validate(message(1, 148), 0, 147));
        assertEquals(Messages.INVALID, Messages.validate(message(2, 148), 0, 148));
        assertEquals(Messages.INVALID, Messages.validate(message(3, 65), 0, 65));
        assertEquals(Messages.INVALID, Messages.validate(message(4, 31), 0, 31));
        assertEquals(Messages.INVALID, Messages.validate(message(5, 64), 0, 64));
        assertEquals(Messages.INVALID, Messages.validate(message(0, 64), 0, 64));
        assertEquals(Messages.INVALID, Messages.validate(new byte[10], 0, 10));
        assertTrue(Messages.isValid(3, message(3, 64), 0, 64));
        assertFalse(Messages.isValid(Messages.INVALID, new byte[64], 0, 64));
    }

    @Test
    void nonZeroReservedBytesMakeTheTypeInvalid() {
        for (int i = 1; i < 4; i++) {
            byte[] b = message(4, 64);
            b[i] = 1;
            assertEquals(Messages.INVALID, Messages.validate(b, 0, 64), "reserved byte " + i);
        }
    }

    @Test
    void rangesOutsideTheBufferAreInvalidNotThrown() {
        assertEquals(Messages.INVALID, Messages.validate(message(4, 64), 40, 32));
        assertEquals(Messages.INVALID, Messages.validate(message(4, 64), -1, 32));
        byte[] b = new byte[70];
        System.arraycopy(message(3, 64), 0, b, 6, 64);
        assertEquals(3, Messages.validate(b, 6, 64));
    }

    @Test
    void transportHeaderRoundTripsLittleEndian() {
        byte[] b = new byte[40];
        Messages.writeTransportHeader(b, 4, 0xA1B2C3D4, 0x0102030405060708L);
        assertEquals(4, b[4]);
        assertEquals((byte) 0xD4, b[8]);
        assertEquals(8, b[12]);
        assertEquals(1, b[19]);
        assertEquals(4, Messages.validate(b, 4, 36));
        assertEquals(0xA1B2C3D4, Messages.receiverIndex(4, b, 4));
        assertEquals(0x0102030405060708L, Messages.transportCounter(b, 4));
        Messages.writeU64(b, 0, -2L);
        assertEquals(-2L, Messages.readU64(b, 0));
        assertThrows(IllegalArgumentException.class, () -> Messages.receiverIndex(1, b, 0));
    }
}
