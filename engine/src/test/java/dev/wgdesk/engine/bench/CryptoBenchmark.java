package dev.wgdesk.engine.bench;

import dev.wgdesk.engine.crypto.ChaCha20Poly1305;
import dev.wgdesk.engine.crypto.PresharedKey;
import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.crypto.PublicKey;
import dev.wgdesk.engine.noise.CookieChecker;
import dev.wgdesk.engine.noise.CookieGenerator;
import dev.wgdesk.engine.noise.Handshake;
import dev.wgdesk.engine.noise.HandshakeResult;
import dev.wgdesk.engine.noise.SessionKeys;
import dev.wgdesk.engine.noise.StaticIdentity;
import dev.wgdesk.engine.time.Clock;
import dev.wgdesk.engine.time.Timer;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * On-demand benchmarks (not run in CI; see {@code engine/bench.sh}):
 * <ul>
 *   <li>seal and open of a 1420-byte packet through {@link ChaCha20Poly1305} and through a bare
 *       JCE {@link Cipher} (init + doFinal with fresh key and parameter objects), side by side;</li>
 *   <li>complete handshakes: initiation created (with mac1) and consumed (mac1 checked first),
 *       response created and consumed likewise, and both sessions begun.</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CryptoBenchmark {
    static final int PAYLOAD = 1420;
    static final int HEADER = 16;

    /** One data-path worker: a 1420-byte packet in a buffer with header room. */
    @State(Scope.Thread)
    public static class Packet {
        final byte[] key = new byte[32];
        final byte[] buf = new byte[HEADER + PAYLOAD + 16];
        final byte[] sealed = new byte[HEADER + PAYLOAD + 16];
        final byte[] nonce = new byte[12];
        final ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        Cipher cipher;
        long counter;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            new SecureRandom().nextBytes(key);
            new SecureRandom().nextBytes(buf);
            cipher = Cipher.getInstance("ChaCha20-Poly1305");
            System.arraycopy(buf, 0, sealed, 0, buf.length);
            aead.seal(key, 0, sealed, HEADER, PAYLOAD, null);
        }

        void nonce(long c) {
            for (int i = 0; i < 8; i++) {
                nonce[4 + i] = (byte) (c >>> (8 * i));
            }
        }
    }

    @Benchmark
    public byte[] sealWgdesk(Packet p) {
        p.aead.seal(p.key, p.counter++, p.buf, HEADER, PAYLOAD, null);
        return p.buf;
    }

    @Benchmark
    public byte[] sealBareJce(Packet p) throws Exception {
        p.nonce(p.counter++);
        p.cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(p.key, "ChaCha20"), new IvParameterSpec(p.nonce));
        p.cipher.doFinal(p.buf, HEADER, PAYLOAD, p.buf, HEADER);
        return p.buf;
    }

    @Benchmark
    public boolean openWgdesk(Packet p) {
        System.arraycopy(p.sealed, HEADER, p.buf, HEADER, PAYLOAD + 16);
        return p.aead.open(p.key, 0, p.buf, HEADER, PAYLOAD + 16, null);
    }

    @Benchmark
    public int openBareJce(Packet p) throws Exception {
        System.arraycopy(p.sealed, HEADER, p.buf, HEADER, PAYLOAD + 16);
        p.nonce(0);
        p.cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(p.key, "ChaCha20"), new IvParameterSpec(p.nonce));
        return p.cipher.doFinal(p.buf, HEADER, PAYLOAD + 16, p.buf, HEADER);
    }

    /**
     * A clock whose every reading is one second later, so that repeated handshakes between the
     * same two peers never trip the replay (TAI64N) or flood (20 ms) checks.
     */
    static final class SteppingClock implements Clock {
        private long now = 1_000_000_000L;

        @Override
        public synchronized long nanoTime() {
            return now += 1_000_000_000L;
        }

        @Override
        public synchronized long epochNanos() {
            return 1_700_000_000_000_000_000L + (now += 1_000_000_000L);
        }

        @Override
        public Timer newTimer(String name, Runnable task) {
            throw new UnsupportedOperationException("not needed by the benchmark");
        }
    }

    /** Two devices, each with the other as its only peer. */
    @State(Scope.Thread)
    public static class Pair {
        StaticIdentity idA;
        StaticIdentity idB;
        Handshake aToB;
        Handshake bToA;
        CookieGenerator macsAToB;
        CookieGenerator macsBToA;
        CookieChecker checkerA;
        CookieChecker checkerB;
        PublicKey pubA;
        final byte[] init = new byte[148];
        final byte[] resp = new byte[92];
        int index;

        @Setup(Level.Trial)
        public void setUp() {
            Clock clock = new SteppingClock();
            SecureRandom random = new SecureRandom();
            PresharedKey psk = PresharedKey.generate();
            idA = new StaticIdentity(PrivateKey.generate());
            idB = new StaticIdentity(PrivateKey.generate());
            pubA = idA.publicKey();
            aToB = new Handshake(idA, idB.publicKey(), psk, clock, random);
            bToA = new Handshake(idB, pubA, psk, clock, random);
            macsAToB = new CookieGenerator(idB.publicKey(), clock);
            macsBToA = new CookieGenerator(pubA, clock);
            checkerA = new CookieChecker(idA, clock, random);
            checkerB = new CookieChecker(idB, clock, random);
        }
    }

    @Benchmark
    public SessionKeys fullHandshake(Pair p) {
        if (!p.aToB.createInitiation(++p.index, p.init, 0)) {
            throw new IllegalStateException("initiation");
        }
        p.macsAToB.addMacs(p.init, 0, 148);
        if (!p.checkerB.checkMac1(p.init, 0, 148)) {
            throw new IllegalStateException("mac1");
        }
        HandshakeResult r = Handshake.consumeInitiation(p.idB, p.init, 0, 148, k -> k.equals(p.pubA) ? p.bToA : null);
        if (!r.isAccepted()) {
            throw new IllegalStateException("initiation rejected: " + r.reason());
        }
        if (!p.bToA.createResponse(++p.index, p.resp, 0)) {
            throw new IllegalStateException("response");
        }
        p.macsBToA.addMacs(p.resp, 0, 92);
        if (!p.checkerA.checkMac1(p.resp, 0, 92)) {
            throw new IllegalStateException("mac1");
        }
        HandshakeResult r2 = p.aToB.consumeResponse(p.resp, 0, 92);
        if (!r2.isAccepted()) {
            throw new IllegalStateException("response rejected: " + r2.reason());
        }
        p.bToA.beginSession();
        return p.aToB.beginSession();
    }
}
