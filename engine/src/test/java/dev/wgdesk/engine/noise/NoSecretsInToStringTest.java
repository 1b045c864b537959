package dev.wgdesk.engine.noise;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.wgdesk.engine.crypto.ChaCha20Poly1305;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * No toString of a noise or crypto object reveals key material, in any state of a handshake:
 * neither the hex nor the base64 of any private key, preshared key, transport key or of any
 * 8-byte window of them.
 */
class NoSecretsInToStringTest {
    private final Peers p = new Peers();
    private final List<byte[]> secrets = new ArrayList<>();
    private final List<Object> objects = new ArrayList<>();

    private void checkAll(String when) {
        for (Object o : objects) {
            String s = o.toString();
            assertNotNull(s);
            String lower = s.toLowerCase();
            for (byte[] secret : secrets) {
                for (int i = 0; i + 8 <= secret.length; i++) {
                    byte[] window = java.util.Arrays.copyOfRange(secret, i, i + 8);
                    String hex = HexFormat.of().formatHex(window);
                    assertFalse(lower.contains(hex), when + ": " + o.getClass().getSimpleName() + " shows key hex");
                }
                String b64 = Base64.getEncoder().encodeToString(secret);
                assertFalse(s.contains(b64.substring(0, 12)), when + ": " + o.getClass().getSimpleName()
                        + " shows key base64");
            }
        }
    }

    @Test
    void noToStringShowsKeyMaterial() {
        secrets.add(p.idA.privateKey().toBytes());
        secrets.add(p.idB.privateKey().toBytes());
        secrets.add(p.psk.toBytes());
        objects.addAll(List.of(p.idA, p.idB, p.idA.privateKey(), p.psk, p.aToB, p.bToA, p.macsAToB, p.macsBToA,
                p.checkerA, p.checkerB, new ChaCha20Poly1305()));
        checkAll("initial");

        byte[] init = p.initiation(1);
        HandshakeResult r = Handshake.consumeInitiation(p.idB, init, 0, 148, p.lookupAtB);
        objects.add(r);
        checkAll("after initiation");
        byte[] resp = p.response(2);
        objects.add(p.aToB.consumeResponse(resp, 0, 92));
        objects.add(HandshakeResult.rejected(HandshakeResult.Reason.FLOOD));
        checkAll("after response");

        SessionKeys ka = p.aToB.beginSession();
        SessionKeys kb = p.bToA.beginSession();
        secrets.add(ka.sendKey().clone());
        secrets.add(ka.receiveKey().clone());
        objects.add(ka);
        objects.add(kb);
        checkAll("after session");

        ka.destroy();
        p.idA.destroy();
        p.psk.destroy();
        checkAll("after destroy");
    }
}
