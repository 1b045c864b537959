package dev.wgdesk.engine.device;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.wgdesk.engine.Protocol;
import dev.wgdesk.engine.noise.Messages;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzes a device's receive path with datagrams from the network (see {@link FuzzedDevices}):
 * raw bytes; handshake-typed messages of the right size with a correct mac1 (so they reach the
 * Noise code); transport messages for peer F's real session with fuzzed counters (fresh,
 * replayed, huge, past the limit) and fuzzed inner packets, sealed with F's real key (so the
 * replay window, the inner-packet checks and cryptokey routing see them); and transport headers
 * for that session with fuzzed ciphertext. After each input the live peer pair must still carry
 * packets both ways, no device thread may have died and no error may have been logged; and every
 * packet {@code b} delivered to its TUN must be one of F's inner packets (cut to its IP length)
 * with a source address F owns.
 *
 * <p>Seeds: {@code ReceivePathFuzzTestInputs/} next to this class, run in {@code mvn verify}.
 */
class ReceivePathFuzzTest {
    @FuzzTest
    void datagramsFromTheNetwork(FuzzedDataProvider data) throws Exception {
        FuzzedDevices w = FuzzedDevices.get();
        List<byte[]> authenticInner = new ArrayList<>();
        int n = data.consumeInt(1, 4);
        for (int i = 0; i < n && data.remainingBytes() > 0; i++) {
            switch (data.consumeInt(0, 3)) {
                case 0 -> w.send(data.consumeBytes(data.consumeInt(0, 1600)));
                case 1 -> w.send(handshakeShaped(w, data));
                case 2 -> {
                    byte[] inner = InnerPackets.make(data, 1500, FuzzedDevices.F4, FuzzedDevices.F6,
                            new byte[][] {FuzzedDevices.B4}, new byte[][] {FuzzedDevices.B6});
                    int padding = data.consumeInt(0, 15);
                    authenticInner.add(inner);
                    w.send(w.transport(authenticCounter(w, data), inner, inner.length, padding));
                }
                default -> {
                    byte[] garbage = data.consumeBytes(data.consumeInt(0, 1600));
                    byte[] msg = new byte[Protocol.MESSAGE_TRANSPORT_HEADER_SIZE + garbage.length];
                    Messages.writeTransportHeader(msg, 0, w.fKeys.remoteIndex(), counter(w, data));
                    System.arraycopy(garbage, 0, msg, Protocol.MESSAGE_TRANSPORT_HEADER_SIZE, garbage.length);
                    w.send(msg);
                }
            }
        }
        w.assertAlive(delivered -> fromF(delivered) && authenticInner.stream().anyMatch(p -> InnerPackets.isIpPrefix(delivered, p)));
    }

    /** A 148/92/64-byte message of type 1/2/3 with fuzzed content and, for 1 and 2, a valid mac1 for b. */
    private static byte[] handshakeShaped(FuzzedDevices w, FuzzedDataProvider data) {
        int type = data.consumeInt(1, 3);
        int size = switch (type) {
            case 1 -> Protocol.MESSAGE_INITIATION_SIZE;
            case 2 -> Protocol.MESSAGE_RESPONSE_SIZE;
            default -> Protocol.MESSAGE_COOKIE_REPLY_SIZE;
        };
        byte[] msg = Arrays.copyOf(data.consumeBytes(size), size);
        Messages.writeU32(msg, 0, type);
        if (type == 2 && data.consumeBoolean()) {
            // b's outstanding initiation index is not known here; aim at F's session index instead
            Messages.writeU32(msg, Messages.RESPONSE_RECEIVER, w.fKeys.remoteIndex());
        }
        if (type != 3 && data.consumeBoolean()) {
            w.fMacs.addMacs(msg, 0, size);
        }
        return msg;
    }

    /**
     * A counter for an authentic packet: fresh (the usual case), replayed or old, or a jump
     * ahead. Never far: a counter near the end of the space would use up F's session for every
     * later input.
     */
    private static long authenticCounter(FuzzedDevices w, FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 3)) {
            case 0 -> w.fCounter - data.consumeInt(0, 3000);
            case 1 -> {
                w.fCounter += data.consumeInt(0, 100_000);
                yield w.fCounter++;
            }
            default -> w.fCounter++;
        };
    }

    /** A counter for a forged packet: anything, the end of the counter space included. */
    private static long counter(FuzzedDevices w, FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 3)) {
            case 0 -> w.fCounter + data.consumeInt(-3000, 3000);
            case 1 -> data.consumeLong();
            default -> Protocol.REJECT_AFTER_MESSAGES + data.consumeInt(-2, 2);
        };
    }

    private static boolean fromF(byte[] p) {
        if (p.length >= 20 && (p[0] & 0xf0) == 0x40) {
            return Arrays.equals(p, 12, 16, FuzzedDevices.F4, 0, 4);
        }
        return p.length >= 40 && (p[0] & 0xf0) == 0x60 && Arrays.equals(p, 8, 24, FuzzedDevices.F6, 0, 16);
    }
}
