package dev.wgdesk.platform.linux;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Receive-side offload for a TUN opened with {@code IFF_VNET_HDR}: merges consecutive in-order
 * TCP segments of one flow from a batch of packets about to be written into one "super-packet"
 * whose {@code virtio_net_hdr} says {@code GSO_TCPV4}/{@code GSO_TCPV6} with the segments'
 * size, so the kernel's stack handles one large packet where it would have handled dozens (what
 * a network card's GRO does). Everything else goes out as it came, behind an empty header.
 *
 * <p><b>Rules</b> (those of the kernel's TCP GRO, see {@code tcp_gro_receive}): a packet starts
 * or joins a group only if it is IPv4 without options or fragmentation, or IPv6 whose next
 * header is TCP; its IP length matches the bytes handed over; it carries payload; its TCP flags
 * are ACK, or ACK and PSH; and its IPv4 header checksum and TCP checksum are valid (the merged
 * packet is marked as needing a checksum, so the kernel would not see a bad one). A packet joins
 * the group if it has the same addresses, ports and acknowledgement number, the same TOS/TTL and
 * DF bit (IPv4) or first word and hop limit (IPv6), the same TCP header length and option bytes,
 * starts at the sequence number where the group ends, carries no more payload than the group's
 * first segment ({@code gso_size}), and keeps the packet within 65535 bytes. A segment with PSH
 * or shorter than {@code gso_size} ends the group (PSH is set on the merged packet). Packets of
 * other flows are skipped over and written after the group; the first packet of the same flow
 * (or one that might be: a fragment, IPv4 options, IPv6 extension headers between the same
 * addresses) that cannot join ends the group, so no flow is reordered.
 *
 * <p>The merged packet keeps the first segment's headers, with the IPv4 total length and header
 * checksum or the IPv6 payload length rewritten, PSH from the last segment, and in the TCP
 * checksum field the folded pseudo-header sum over the merged length, as
 * {@code VIRTIO_NET_HDR_F_NEEDS_CSUM} with {@code csum_start} at the TCP header and
 * {@code csum_offset} 16 requires.
 *
 * <p>Use: {@link #start} with the batch, then {@link #next} until it returns -1. One instance per
 * writing thread; nothing is allocated. The packets' buffers are consumed (position set to
 * limit); their bytes are never modified.
 */
final class TunCoalescer {
    static final int HEAD = TunOffload.VNET_HDR_LEN;
    static final int MAX_PACKET = LinuxTun.MAX_PACKET;

    private static final int TCP = 6;
    private static final int ACK = 0x10;
    private static final int PSH = 0x08;
    private static final VarHandle LONG_BE = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT_BE = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private ByteBuffer[] bufs;
    private int count;
    private int cursor;
    private long merged; // super-packets built (diagnostics, tests)
    private long segments; // segments that went into them

    /** Takes a batch: {@code bufs[0, count)}, each packet from position to limit. */
    void start(ByteBuffer[] bufs, int count) {
        this.bufs = bufs;
        this.count = count;
        this.cursor = 0;
    }

    /** How many super-packets this instance has built. */
    long merged() {
        return merged;
    }

    /** How many segments went into those super-packets. */
    long segments() {
        return segments;
    }

    /**
     * Builds the next packet to write into {@code out} at 0: the virtio header, then the packet.
     * {@code out} must be in native byte order with room for {@code HEAD + MAX_PACKET} bytes.
     *
     * @return the bytes to write, or -1 when the batch is done
     */
    int next(ByteBuffer out) {
        while (cursor < count) {
            ByteBuffer b = bufs[cursor++];
            int len = b.remaining();
            if (len == 0) {
                continue; // empty, or already written as part of a group
            }
            int pos = b.position();
            b.position(b.limit());
            if (len > MAX_PACKET) {
                continue; // cannot be a valid packet: skipped
            }
            out.put(HEAD, b, pos, len);
            int th = candidate(b, pos, len);
            if (th > 0) {
                int total = group(b, pos, len, th, out);
                if (total > 0) {
                    return HEAD + total;
                }
            }
            clearHeader(out);
            return HEAD + len;
        }
        bufs = null;
        return -1;
    }

    /**
     * Appends the segments that follow {@code first} (already copied to {@code out} at HEAD) and
     * finishes the headers; returns the merged length, or 0 if nothing could be merged.
     */
    private int group(ByteBuffer first, int fp, int flen, int th, ByteBuffer out) {
        int thl = tcpHeaderLength(first, fp, th);
        int hdrs = th + thl;
        int gso = flen - hdrs;
        int flags = first.get(fp + th + 13) & 0xff;
        if ((flags & PSH) != 0) {
            return 0; // PSH ends a group: nothing may follow
        }
        boolean v6 = th == 40;
        int nextSeq = (int) INT_BE.get(first, fp + th + 4) + gso;
        int total = flen;
        int n = 1;
        boolean firstChecked = false;
        boolean closed = false;
        for (int j = cursor; j < count && !closed; j++) {
            ByteBuffer b = bufs[j];
            int len = b.remaining();
            if (len == 0) {
                continue;
            }
            int pos = b.position();
            int rel = relation(first, fp, v6, b, pos, len);
            if (rel == OTHER) {
                continue;
            }
            if (rel == UNSURE || candidate(b, pos, len) != th || tcpHeaderLength(b, pos, th) != thl) {
                break;
            }
            int payload = len - hdrs;
            if (payload > gso || total + payload > MAX_PACKET
                    || (int) INT_BE.get(b, pos + th + 4) != nextSeq
                    || !sameHeaders(first, fp, b, pos, v6, th, hdrs)) {
                break;
            }
            if (!firstChecked) {
                if (!checksumsValid(first, fp, flen, th)) {
                    return 0;
                }
                firstChecked = true;
            }
            if (!checksumsValid(b, pos, len, th)) {
                break; // written alone, after the group; the kernel drops it
            }
            out.put(HEAD + total, b, pos + hdrs, payload);
            b.position(b.limit());
            total += payload;
            nextSeq += payload;
            n++;
            int f = b.get(pos + th + 13) & 0xff;
            if ((f & PSH) != 0) {
                flags |= PSH;
                closed = true;
            }
            if (payload < gso) {
                closed = true;
            }
        }
        if (n == 1) {
            return 0;
        }
        int p = HEAD;
        if (v6) {
            TunOffload.put16(out, p + 4, total - 40);
        } else {
            TunOffload.put16(out, p + 2, total);
            TunOffload.put16(out, p + 10, 0);
            TunOffload.put16(out, p + 10, ~TunOffload.fold(sum(out, p, 20, 0)) & 0xffff);
        }
        out.put(p + th + 13, (byte) flags);
        long pseudo = v6 ? sum(out, p + 8, 32, 0) : sum(out, p + 12, 8, 0);
        TunOffload.put16(out, p + th + 16, TunOffload.fold(pseudo + TCP + (total - th)));
        out.put(0, (byte) TunOffload.F_NEEDS_CSUM);
        out.put(1, (byte) (v6 ? TunOffload.GSO_TCPV6 : TunOffload.GSO_TCPV4));
        out.putShort(2, (short) hdrs);
        out.putShort(4, (short) gso);
        out.putShort(6, (short) th);
        out.putShort(8, (short) 16);
        merged++;
        segments += n;
        return total;
    }

    private static void clearHeader(ByteBuffer out) {
        out.putLong(0, 0L);
        out.putShort(8, (short) 0);
    }

    /**
     * If {@code p[pos, pos + len)} may start or join a group, the offset of its TCP header (20 or
     * 40); else 0.
     */
    static int candidate(ByteBuffer p, int pos, int len) {
        if (len < 40) {
            return 0;
        }
        int v = p.get(pos) & 0xff;
        int th;
        if (v == 0x45) {
            if ((p.get(pos + 9) & 0xff) != TCP || TunOffload.get16(p, pos + 2) != len
                    || (TunOffload.get16(p, pos + 6) & 0x3fff) != 0) { // MF or a fragment offset
                return 0;
            }
            th = 20;
        } else if ((v >>> 4) == 6) {
            if (len < 60 || (p.get(pos + 6) & 0xff) != TCP || TunOffload.get16(p, pos + 4) != len - 40) {
                return 0;
            }
            th = 40;
        } else {
            return 0;
        }
        int thl = tcpHeaderLength(p, pos, th);
        if (thl < 20 || th + thl >= len) { // a bad data offset, or no payload
            return 0;
        }
        int flags = p.get(pos + th + 13) & 0xff;
        return flags == ACK || flags == (ACK | PSH) ? th : 0;
    }

    private static int tcpHeaderLength(ByteBuffer p, int pos, int th) {
        return (p.get(pos + th + 12) & 0xf0) >>> 2;
    }

    private static final int OTHER = 0; // another flow: may be passed over
    private static final int SAME = 1; // the same addresses and ports
    private static final int UNSURE = 2; // TCP between the same addresses, ports not known

    /** How {@code b} relates to the flow of {@code first} (a candidate). */
    private static int relation(ByteBuffer first, int fp, boolean v6, ByteBuffer b, int pos, int len) {
        int th;
        if (!v6) {
            if (len < 20 || (b.get(pos) & 0xf0) != 0x40 || (b.get(pos + 9) & 0xff) != TCP
                    || (long) LONG_BE.get(b, pos + 12) != (long) LONG_BE.get(first, fp + 12)) {
                return OTHER;
            }
            if ((b.get(pos) & 0xff) != 0x45 || (TunOffload.get16(b, pos + 6) & 0x3fff) != 0) {
                return UNSURE;
            }
            th = 20;
        } else {
            if (len < 40 || (b.get(pos) & 0xf0) != 0x60
                    || (long) LONG_BE.get(b, pos + 8) != (long) LONG_BE.get(first, fp + 8)
                    || (long) LONG_BE.get(b, pos + 16) != (long) LONG_BE.get(first, fp + 16)
                    || (long) LONG_BE.get(b, pos + 24) != (long) LONG_BE.get(first, fp + 24)
                    || (long) LONG_BE.get(b, pos + 32) != (long) LONG_BE.get(first, fp + 32)) {
                return OTHER;
            }
            if ((b.get(pos + 6) & 0xff) != TCP) {
                return UNSURE; // an extension header may come before TCP
            }
            th = 40;
        }
        if (len < th + 4) {
            return UNSURE;
        }
        return (int) INT_BE.get(b, pos + th) == (int) INT_BE.get(first, fp + th) ? SAME : OTHER;
    }

    /**
     * The fields that must match for {@code b} to join {@code first}'s group, ports and addresses
     * aside: the acknowledgement number, TCP options, and TOS/TTL/DF or first word/hop limit.
     */
    private static boolean sameHeaders(ByteBuffer first, int fp, ByteBuffer b, int pos, boolean v6, int th, int hdrs) {
        if (v6) {
            if ((int) INT_BE.get(b, pos) != (int) INT_BE.get(first, fp) || b.get(pos + 7) != first.get(fp + 7)) {
                return false;
            }
        } else if (b.get(pos + 1) != first.get(fp + 1) || b.get(pos + 8) != first.get(fp + 8)
                || ((b.get(pos + 6) ^ first.get(fp + 6)) & 0xe0) != 0) {
            return false;
        }
        if ((int) INT_BE.get(b, pos + th + 8) != (int) INT_BE.get(first, fp + th + 8)) {
            return false; // acknowledgement number
        }
        for (int i = th + 20; i < hdrs; i++) {
            if (b.get(pos + i) != first.get(fp + i)) {
                return false; // options (timestamps, SACK blocks) differ
            }
        }
        return true;
    }

    /** Whether the IPv4 header checksum (if any) and the TCP checksum of a candidate are valid. */
    static boolean checksumsValid(ByteBuffer p, int pos, int len, int th) {
        long pseudo;
        if (th == 20) {
            if (TunOffload.fold(sum(p, pos, 20, 0)) != 0xffff) {
                return false;
            }
            pseudo = sum(p, pos + 12, 8, 0);
        } else {
            pseudo = sum(p, pos + 8, 32, 0);
        }
        return TunOffload.fold(sum(p, pos + th, len - th, pseudo + TCP + (len - th))) == 0xffff;
    }

    /**
     * The one's-complement sum of {@code len} bytes at {@code off} (big-endian 16-bit words)
     * added to {@code initial}, unfolded. Whatever the buffer's byte order; at most 64 KiB.
     */
    static long sum(ByteBuffer p, int off, int len, long initial) {
        long s = initial;
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            long w = (long) LONG_BE.get(p, off + i);
            s += (w >>> 32) + (w & 0xffffffffL);
        }
        if (i + 4 <= len) {
            s += (int) INT_BE.get(p, off + i) & 0xffffffffL;
            i += 4;
        }
        if (i + 2 <= len) {
            s += TunOffload.get16(p, off + i);
            i += 2;
        }
        if (i < len) {
            s += (p.get(off + i) & 0xff) << 8;
        }
        return s;
    }
}
