package dev.wgdesk.engine.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The two transport ciphers, the property that picks one, and the data path with the real one. */
@Timeout(180)
class PacketCipherTest {
    @Test
    void propertyPicksTheCipherAndJavaIsTheDefault() {
        String saved = System.getProperty(PacketCipher.PROPERTY);
        try {
            System.clearProperty(PacketCipher.PROPERTY);
            assertEquals("java", PacketCipher.defaultFactory().get().toString());
            System.setProperty(PacketCipher.PROPERTY, "jce");
            assertEquals("jce", PacketCipher.defaultFactory().get().toString());
            System.setProperty(PacketCipher.PROPERTY, " Java ");
            assertEquals("java", PacketCipher.defaultFactory().get().toString());
            System.setProperty(PacketCipher.PROPERTY, "aes");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, PacketCipher::defaultFactory);
            assertTrue(e.getMessage().contains("jce or java"), e.getMessage());
        } finally {
            if (saved == null) {
                System.clearProperty(PacketCipher.PROPERTY);
            } else {
                System.setProperty(PacketCipher.PROPERTY, saved);
            }
        }
    }

    @Test
    void eachCipherOpensWhatTheOtherSealed() {
        PacketCipher jce = PacketCipher.jce();
        PacketCipher java = PacketCipher.fast();
        Random rnd = new Random(3);
        byte[] key = new byte[32];
        for (int len : new int[] {0, 1, 15, 16, 64, 100, 1420, 1500}) {
            rnd.nextBytes(key);
            byte[] plain = new byte[len];
            rnd.nextBytes(plain);
            for (PacketCipher[] pair : new PacketCipher[][] {{jce, java}, {java, jce}}) {
                byte[] buf = new byte[16 + len + 16];
                System.arraycopy(plain, 0, buf, 16, len);
                pair[0].seal(key, len * 7L, buf, 16, len);
                byte[] forged = buf.clone();
                forged[16 + len + 15] ^= 0x40;
                assertFalse(pair[1].open(key, len * 7L, forged, 16, len + 16), pair[1] + " accepted a forgery");
                assertTrue(pair[1].open(key, len * 7L, buf, 16, len + 16), pair[0] + " -> " + pair[1] + " len " + len);
                assertArrayEquals(plain, Arrays.copyOfRange(buf, 16, 16 + len));
            }
        }
        jce.destroy();
        java.destroy();
    }

    /**
     * {@link SteadyStateAllocationTest} with the real transport cipher in place of its stand-in:
     * two devices, 100k packets, and the device threads still allocate nothing per packet.
     */
    @Test
    void dataPathWithTheRealCipherAllocatesNothingPerPacket() throws Exception {
        // warm-up: the JIT compiles the cipher along the way
        double perPacket = SteadyStateAllocationTest.run(PacketCipher::fast, 60_000, 100_000).perPacket();
        System.out.printf("data path with FastChaCha20Poly1305: %.3f bytes/packet allocated by device threads%n",
                perPacket);
        assertTrue(perPacket < 1.0, "the data path allocates " + perPacket + " bytes per packet");
    }
}
