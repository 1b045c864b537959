package dev.wgdesk.app.helper;

import dev.wgdesk.engine.Protocol;
import dev.wgdesk.engine.crypto.PresharedKey;
import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.noise.CookieChecker;
import dev.wgdesk.engine.noise.CookieGenerator;
import dev.wgdesk.engine.noise.Handshake;
import dev.wgdesk.engine.noise.HandshakeResult;
import dev.wgdesk.engine.noise.SessionKeys;
import dev.wgdesk.engine.noise.StaticIdentity;
import dev.wgdesk.engine.time.Clock;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.function.Consumer;

/**
 * Runs the handshake code of the first activation ahead of time, so that the JIT has compiled it
 * when a user brings a tunnel up: a fresh helper's first handshake otherwise runs X25519, BLAKE2s
 * and ChaCha20-Poly1305 in the interpreter (bench/activation.sh: the engine's device set-up and
 * the handshake took 100-200 ms of a cold first activation, a few ms once compiled).
 *
 * <p>Complete Noise IK handshakes between two throw-away identities in memory, both roles, with
 * MACs, as the device does them (no sockets, no interfaces, nothing outside the process). On one
 * low-priority daemon thread started after the helper serves requests, so it never delays the
 * helper's readiness; an activation arriving meanwhile simply runs in parallel with it. The keys
 * are destroyed after each round.
 *
 * <p><b>Off by default</b>; {@code -Dwgdesk.helper.warmup=true} turns it on. The helper lives all
 * day, and the compiled code, metaspace and heap the warm-up leaves behind kept it 14-21 MiB
 * larger for good (idle helper, no tunnel: 85-92 against 71 MiB, alternated runs), to save
 * about 20 ms of the first activation only (bench/activation.sh: 22-26 ms with it, 45-46 ms
 * without, both under the 50 ms aim).
 */
public final class HandshakeWarmup {
    /** Rounds run by {@link #startInBackground}: enough for C2 to compile the X25519 field arithmetic. */
    public static final int DEFAULT_ROUNDS = 24;

    private HandshakeWarmup() {}

    /**
     * Starts {@code rounds} handshakes on a daemon thread when {@code wgdesk.helper.warmup} is
     * {@code true}; logs one line when done. Returns the thread, or null when off (the default).
     */
    public static Thread startInBackground(int rounds, Consumer<String> log) {
        if (!"true".equals(System.getProperty("wgdesk.helper.warmup"))) {
            return null;
        }
        Thread t = Thread.ofPlatform().daemon().name("wgdesk-warmup").priority(Thread.MIN_PRIORITY).unstarted(() -> {
            long start = System.nanoTime();
            int ok = run(rounds);
            log.accept(String.format(java.util.Locale.ROOT, "Handshake code warmed up: %d of %d handshakes in %.0f ms",
                    ok, rounds, (System.nanoTime() - start) / 1e6));
        });
        t.start();
        return t;
    }

    /**
     * Runs {@code rounds} complete handshakes; returns how many ended with both sides holding
     * crosswise equal transport keys (every one, unless the engine's handshake is broken).
     */
    public static int run(int rounds) {
        SecureRandom random = new SecureRandom();
        Clock clock = Clock.system();
        int ok = 0;
        for (int i = 0; i < rounds; i++) {
            StaticIdentity a = new StaticIdentity(PrivateKey.generate());
            StaticIdentity b = new StaticIdentity(PrivateKey.generate());
            PresharedKey psk = (i & 1) == 0 ? PresharedKey.none() : PresharedKey.generate();
            Handshake aToB = new Handshake(a, b.publicKey(), psk, clock, random);
            Handshake bToA = new Handshake(b, a.publicKey(), psk, clock, random);
            SessionKeys ka = null;
            SessionKeys kb = null;
            try {
                byte[] init = new byte[Protocol.MESSAGE_INITIATION_SIZE];
                if (!aToB.createInitiation(2 * i + 1, init, 0)) {
                    continue;
                }
                new CookieGenerator(b.publicKey(), clock).addMacs(init, 0, init.length);
                if (!new CookieChecker(b, clock, random).checkMac1(init, 0, init.length)) {
                    continue;
                }
                HandshakeResult r1 = Handshake.consumeInitiation(b, init, 0, init.length,
                        k -> k.equals(a.publicKey()) ? bToA : null);
                byte[] resp = new byte[Protocol.MESSAGE_RESPONSE_SIZE];
                if (!r1.isAccepted() || !bToA.createResponse(2 * i + 2, resp, 0)) {
                    continue;
                }
                new CookieGenerator(a.publicKey(), clock).addMacs(resp, 0, resp.length);
                if (!new CookieChecker(a, clock, random).checkMac1(resp, 0, resp.length)
                        || !aToB.consumeResponse(resp, 0, resp.length).isAccepted()) {
                    continue;
                }
                ka = aToB.beginSession();
                kb = bToA.beginSession();
                if (ka != null && kb != null && MessageDigest.isEqual(ka.sendKey(), kb.receiveKey())
                        && MessageDigest.isEqual(ka.receiveKey(), kb.sendKey())) {
                    ok++;
                }
            } finally {
                if (ka != null) {
                    ka.destroy();
                }
                if (kb != null) {
                    kb.destroy();
                }
                aToB.destroy();
                bToA.destroy();
                psk.destroy();
                a.destroy();
                b.destroy();
            }
        }
        return ok;
    }
}
