#!/usr/bin/env python3
"""Small network helpers for the netns scenario scripts (standard library only).

  sink ADDR PORT OUTFILE          accept one TCP connection, write "<sha256> <bytes>" to OUTFILE
  send ADDR PORT FILE             connect (retrying up to 10 s) and send FILE
  uapi SOCKET HEXREQUEST          send raw bytes to a UAPI socket, print the reply as Python repr
  occupy-udp PORT SECONDS         hold UDP PORT on :: (dual stack) and 0.0.0.0 if possible
  udp-garbage ADDR PORT           send malformed WireGuard and random datagrams
  tun-inject IFNAME               write malformed IP packets to a TUN interface via AF_PACKET
  udp-load PREFIX NETS SECONDS PPS   send PPS 1000-byte UDP datagrams a second for SECONDS to
                                  PREFIX.N.H (N < NETS, H = 1..250 in turn), e.g. 10.99 50 20 4000
Every operation is bounded by a timeout.
"""
import hashlib
import os
import socket
import struct
import sys
import time


def sink(addr, port, out):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, int(port)))
    s.listen(1)
    s.settimeout(60)
    c, _ = s.accept()
    c.settimeout(60)
    h = hashlib.sha256()
    n = 0
    while True:
        b = c.recv(1 << 16)
        if not b:
            break
        h.update(b)
        n += len(b)
    c.close()
    with open(out + ".tmp", "w") as f:
        f.write("%s %d\n" % (h.hexdigest(), n))
    os.rename(out + ".tmp", out)


def send(addr, port, path):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    deadline = time.time() + 10
    while True:
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.settimeout(60)
        try:
            s.connect((addr, int(port)))
            break
        except OSError:
            s.close()
            if time.time() > deadline:
                raise
            time.sleep(0.2)
    with open(path, "rb") as f:
        while True:
            b = f.read(1 << 16)
            if not b:
                break
            s.sendall(b)
    s.shutdown(socket.SHUT_WR)
    s.recv(1)
    s.close()


def uapi(path, hexreq):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(path)
    s.sendall(bytes.fromhex(hexreq))
    reply = b""
    try:
        while not reply.endswith(b"\n\n"):
            b = s.recv(4096)
            if not b:
                break
            reply += b
    except socket.timeout:
        reply += b"<timeout>"
    except OSError as e:
        reply += ("<%s>" % e.__class__.__name__).encode()
    s.close()
    print(repr(reply))


def occupy_udp(port, seconds):
    socks = []
    s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s6.bind(("::", int(port)))
    socks.append(s6)
    print("occupied", flush=True)
    time.sleep(float(seconds))


def udp_garbage(addr, port):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    dst = (addr, int(port))
    rnd = os.urandom
    msgs = [b"", b"\x01", b"\x04\x00\x00\x00", rnd(1), rnd(3)]
    msgs += [struct.pack("<I", 1) + rnd(144), struct.pack("<I", 1) + bytes(144)]      # initiations, bad mac1
    msgs += [struct.pack("<I", 1) + rnd(140), struct.pack("<I", 1) + rnd(200)]        # wrong sizes
    msgs += [struct.pack("<I", 2) + rnd(88), struct.pack("<I", 2) + rnd(60)]          # responses
    msgs += [struct.pack("<I", 3) + rnd(60), struct.pack("<I", 3) + rnd(10)]          # cookie replies
    msgs += [struct.pack("<I", 4) + rnd(28), struct.pack("<I", 4) + rnd(12)]          # transport, unknown index
    msgs += [struct.pack("<I", 4) + rnd(28 + 1400), struct.pack("<I", 4) + rnd(5)]
    msgs += [struct.pack("<I", 5) + rnd(100), struct.pack("<I", 0x01000000) + rnd(144)]
    msgs += [rnd(60000)]
    for _ in range(300):
        msgs.append(rnd(int.from_bytes(rnd(2), "little") % 1500))
    for m in msgs:
        try:
            s.sendto(m, dst)
        except OSError:
            pass
    print("sent", len(msgs))


def tun_inject(ifname):
    ETH_P_ALL = 0x0003
    s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_ALL))
    s.bind((ifname, 0))
    pkts = [
        b"\x70" + bytes(39),                        # IP version 7
        b"\x00" + bytes(19),                        # IP version 0
        b"\xf5" + bytes(60),                        # IP version 15
        b"\x45",                                    # one byte
        b"\x45" + bytes(10),                        # truncated IPv4 header
        b"\x60" + bytes(20),                        # truncated IPv6 header
        b"\x45\x00\xff\xff" + bytes(16),            # IPv4 total length beyond the packet
        b"\x60\x00\x00\x00\xff\xff\x3a\x40" + bytes(32),  # IPv6 payload length beyond the packet
    ]
    n = 0
    for p in pkts:
        try:
            s.sendto(p, (ifname, ETH_P_ALL))
            n += 1
        except OSError as e:
            print("send failed:", e)
    print("injected", n)


def udp_load(prefix, nets, seconds, pps):
    nets, seconds, pps = int(nets), float(seconds), int(pps)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    payload = b"x" * 1000
    sent = failed = 0
    start = time.monotonic()
    end = start + seconds
    i = 0
    while True:
        now = time.monotonic()
        if now >= end:
            break
        due = int((now - start) * pps)
        while sent + failed < due:
            addr = "%s.%d.%d" % (prefix, i % nets, (i // nets) % 250 + 1)
            i += 1
            try:
                s.sendto(payload, (addr, 9))
                sent += 1
            except OSError:
                failed += 1
        time.sleep(0.002)
    print("udp-load: %d datagrams sent, %d refused, in %.1f s" % (sent, failed, time.monotonic() - start))


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    {"sink": sink, "send": send, "uapi": uapi, "occupy-udp": occupy_udp,
     "udp-garbage": udp_garbage, "tun-inject": tun_inject, "udp-load": udp_load}[cmd](*args)


if __name__ == "__main__":
    main()
