package dev.wgdesk.engine.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wgdesk.engine.crypto.ChaCha20Poly1305;
import dev.wgdesk.engine.crypto.X25519;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link NoiseCore} byte for byte against the cacophony Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s
 * vector (test resource noise/cacophony-IKpsk2_25519_ChaChaPoly_BLAKE2s.json): both handshake
 * messages as written by the initiator and responder, the handshake hash, and the four transport
 * messages under the split keys.
 */
class CacophonyVectorTest {
    private static final HexFormat HEX = HexFormat.of();
    private static String json;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = CacophonyVectorTest.class.getResourceAsStream(
                "/noise/cacophony-IKpsk2_25519_ChaChaPoly_BLAKE2s.json")) {
            json = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static byte[] field(String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\\s*\\[?\"([0-9a-f]*)\"").matcher(json);
        if (!m.find()) {
            throw new AssertionError("vector has no " + name);
        }
        return HEX.parseHex(m.group(1));
    }

    private record Message(byte[] payload, byte[] ciphertext) {}

    private static List<Message> messages() {
        Matcher m = Pattern.compile("\"payload\":\\s*\"([0-9a-f]*)\",\\s*\"ciphertext\":\\s*\"([0-9a-f]*)\"").matcher(json);
        List<Message> out = new ArrayList<>();
        while (m.find()) {
            out.add(new Message(HEX.parseHex(m.group(1)), HEX.parseHex(m.group(2))));
        }
        return out;
    }

    private static byte[] pub(byte[] priv) {
        byte[] p = new byte[32];
        X25519.publicKey(priv, p);
        return p;
    }

    private static byte[] dh(byte[] priv, byte[] pub) {
        byte[] s = new byte[32];
        if (!X25519.sharedSecret(priv, pub, s)) {
            throw new AssertionError("zero DH in the vector");
        }
        return s;
    }

    @Test
    void handshakeAndTransportMatchTheVector() {
        assertEquals("Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s",
                new String(dev.wgdesk.engine.Protocol.CONSTRUCTION, StandardCharsets.US_ASCII));
        byte[] prologue = field("init_prologue");
        assertArrayEquals(prologue, field("resp_prologue"));
        byte[] psk = field("init_psks");
        byte[] initStatic = field("init_static");
        byte[] initEphemeral = field("init_ephemeral");
        byte[] respStatic = field("resp_static");
        byte[] respEphemeral = field("resp_ephemeral");
        assertArrayEquals(pub(respStatic), field("init_remote_static"), "vector's responder static matches");
        List<Message> msgs = messages();
        assertEquals(6, msgs.size());

        // Message 1, initiator
        NoiseCore initiator = new NoiseCore();
        initiator.initialize(prologue, pub(respStatic), 0);
        Message m1 = msgs.get(0);
        byte[] out1 = new byte[NoiseCore.message1Length(m1.payload.length)];
        assertEquals(NoiseCore.Status.OK, initiator.writeMessage1(pub(initStatic), dh(initStatic, pub(respStatic)),
                initEphemeral, pub(initEphemeral), pub(respStatic), m1.payload, m1.payload.length, out1, 0));
        assertArrayEquals(m1.ciphertext, out1, "message 1");

        // Message 1, responder
        NoiseCore responder = new NoiseCore();
        responder.initialize(prologue, pub(respStatic), 0);
        byte[] re = new byte[32];
        byte[] rs = new byte[32];
        assertEquals(NoiseCore.Status.OK, responder.readMessage1Static(respStatic, m1.ciphertext, 0, re, rs));
        assertArrayEquals(pub(initStatic), rs, "responder learns the initiator's static key");
        assertArrayEquals(pub(initEphemeral), re);
        byte[] p1 = new byte[m1.payload.length];
        assertEquals(NoiseCore.Status.OK, responder.readMessage1Payload(dh(respStatic, rs), m1.ciphertext, 0,
                p1.length, p1));
        assertArrayEquals(m1.payload, p1);

        // Message 2, responder then initiator
        Message m2 = msgs.get(1);
        byte[] out2 = new byte[NoiseCore.message2Length(m2.payload.length)];
        assertEquals(NoiseCore.Status.OK, responder.writeMessage2(respEphemeral, pub(respEphemeral), re, rs, psk,
                m2.payload, m2.payload.length, out2, 0));
        assertArrayEquals(m2.ciphertext, out2, "message 2");
        byte[] p2 = new byte[m2.payload.length];
        byte[] ie = new byte[32];
        assertEquals(NoiseCore.Status.OK, initiator.readMessage2(initEphemeral, initStatic, psk, m2.ciphertext, 0,
                p2.length, ie, p2));
        assertArrayEquals(m2.payload, p2);

        // Handshake hash
        assertArrayEquals(field("handshake_hash"), initiator.hash, "initiator handshake hash");
        assertArrayEquals(field("handshake_hash"), responder.hash, "responder handshake hash");

        // Split and transport: messages alternate initiator, responder, starting with the initiator.
        byte[] i1 = new byte[32];
        byte[] i2 = new byte[32];
        byte[] r1 = new byte[32];
        byte[] r2 = new byte[32];
        initiator.split(i1, i2);
        responder.split(r1, r2);
        assertArrayEquals(i1, r1);
        assertArrayEquals(i2, r2);
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        long[] counters = {0, 0};
        for (int i = 2; i < 6; i++) {
            Message m = msgs.get(i);
            boolean fromInitiator = (i % 2) == 0;
            byte[] buf = Arrays.copyOf(m.payload, m.payload.length + 16);
            aead.seal(fromInitiator ? i1 : i2, counters[i % 2]++, buf, 0, m.payload.length, null);
            assertArrayEquals(m.ciphertext, buf, "transport message " + (i + 1));
        }
    }
}
