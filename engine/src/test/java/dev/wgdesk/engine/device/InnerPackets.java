package dev.wgdesk.engine.device;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Fuzzed IP packets for the device fuzz targets: raw bytes, or IPv4/IPv6 headers with fuzzed fields. */
final class InnerPackets {
    private InnerPackets() {}

    /**
     * A packet of up to {@code maxLength} bytes: raw, or an IPv4 or IPv6 header (source usually
     * {@code src}, destination one of {@code dsts} or fuzzed, length field usually right) and a
     * payload. Bytes beyond what the input holds come from a generator seeded by the input.
     */
    static byte[] make(FuzzedDataProvider data, int maxLength, byte[] src4, byte[] src6, byte[][] dst4, byte[][] dst6) {
        int kind = data.consumeInt(0, 2);
        int length = data.consumeInt(0, maxLength);
        if (kind == 0) {
            return fill(data.consumeBytes(length), length);
        }
        boolean v4 = kind == 1;
        int header = v4 ? 20 : 40;
        length = Math.max(length, header);
        int lengthField = switch (data.consumeInt(0, 3)) {
            case 0 -> data.consumeInt(0, 0xffff);
            case 1 -> length + data.consumeInt(-4, 4);
            default -> v4 ? length : length - 40;
        };
        byte[] source = data.consumeBoolean() ? (v4 ? src4 : src6) : Arrays.copyOf(data.consumeBytes(v4 ? 4 : 16), v4 ? 4 : 16);
        byte[][] dsts = v4 ? dst4 : dst6;
        int d = data.consumeInt(0, dsts.length);
        byte[] destination = d < dsts.length ? dsts[d] : Arrays.copyOf(data.consumeBytes(v4 ? 4 : 16), v4 ? 4 : 16);
        byte first = data.consumeBoolean() ? data.consumeByte() : (byte) (v4 ? 0x45 : 0x60);
        byte[] p = fill(data.consumeBytes(Math.min(length, 64)), length);
        p[0] = first;
        if (v4) {
            p[2] = (byte) (lengthField >>> 8);
            p[3] = (byte) lengthField;
            System.arraycopy(source, 0, p, 12, 4);
            System.arraycopy(destination, 0, p, 16, 4);
        } else {
            p[4] = (byte) (lengthField >>> 8);
            p[5] = (byte) lengthField;
            System.arraycopy(source, 0, p, 8, 16);
            System.arraycopy(destination, 0, p, 24, 16);
        }
        return p;
    }

    /**
     * True if {@code delivered} is {@code sent} cut to the length its IP header states: the
     * receive path drops what follows that length. A header may also claim a few bytes more than
     * were sent; then the packet ends in the sender's zero padding, as in wireguard-go and the
     * kernel (a real TUN never hands over such a packet).
     */
    static boolean isIpPrefix(byte[] delivered, byte[] sent) {
        int len = delivered.length;
        int common = Math.min(len, sent.length);
        if (len < 20 || len > sent.length + 15 || !Arrays.equals(delivered, 0, common, sent, 0, common)) {
            return false;
        }
        for (int i = common; i < len; i++) {
            if (delivered[i] != 0) {
                return false;
            }
        }
        int version = (delivered[0] & 0xf0) >>> 4;
        if (version == 4) {
            return len == ((delivered[2] & 0xff) << 8 | (delivered[3] & 0xff));
        }
        return version == 6 && len >= 40 && len == 40 + ((delivered[4] & 0xff) << 8 | (delivered[5] & 0xff));
    }

    private static byte[] fill(byte[] head, int len) {
        byte[] out = Arrays.copyOf(head, len);
        if (head.length < len) {
            SplittableRandom rnd = new SplittableRandom(Arrays.hashCode(head) * 31L + len);
            for (int i = head.length; i < len; i++) {
                out[i] = (byte) rnd.nextInt();
            }
        }
        return out;
    }
}
