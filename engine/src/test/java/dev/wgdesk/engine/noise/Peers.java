package dev.wgdesk.engine.noise;

import dev.wgdesk.engine.crypto.PresharedKey;
import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.crypto.PublicKey;
import dev.wgdesk.engine.time.VirtualClock;
import java.security.SecureRandom;
import java.util.function.Function;

/**
 * Two devices, A and B, each configured with the other as a peer, sharing one virtual clock:
 * the in-memory setting of wireguard-go's TestNoiseHandshake.
 */
final class Peers {
    final VirtualClock clock = new VirtualClock();
    final SecureRandom random = new SecureRandom();
    final PresharedKey psk = PresharedKey.generate();

    final StaticIdentity idA = new StaticIdentity(PrivateKey.generate());
    final StaticIdentity idB = new StaticIdentity(PrivateKey.generate());

    /** A's state for peer B, and B's state for peer A. */
    final Handshake aToB = new Handshake(idA, idB.publicKey(), psk, clock, random);
    final Handshake bToA = new Handshake(idB, idA.publicKey(), psk, clock, random);

    final CookieGenerator macsAToB = new CookieGenerator(idB.publicKey(), clock);
    final CookieGenerator macsBToA = new CookieGenerator(idA.publicKey(), clock);
    final CookieChecker checkerA = new CookieChecker(idA, clock, random);
    final CookieChecker checkerB = new CookieChecker(idB, clock, random);

    /** B's device lookup: only A is configured. */
    final Function<PublicKey, Handshake> lookupAtB = k -> k.equals(idA.publicKey()) ? bToA : null;
    /** A's device lookup: only B is configured. */
    final Function<PublicKey, Handshake> lookupAtA = k -> k.equals(idB.publicKey()) ? aToB : null;

    /** A creates an initiation with index {@code idx}, macs added. */
    byte[] initiation(int idx) {
        byte[] msg = new byte[148];
        if (!aToB.createInitiation(idx, msg, 0)) {
            throw new AssertionError("A could not create an initiation");
        }
        macsAToB.addMacs(msg, 0, msg.length);
        return msg;
    }

    /** B creates a response with index {@code idx}, macs added. */
    byte[] response(int idx) {
        byte[] msg = new byte[92];
        if (!bToA.createResponse(idx, msg, 0)) {
            throw new AssertionError("B could not create a response");
        }
        macsBToA.addMacs(msg, 0, msg.length);
        return msg;
    }
}
