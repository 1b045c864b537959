#!/usr/bin/env python3
"""Sets N peers on a WireGuard interface through its UAPI socket in one "set" operation and
prints the seconds from the first byte sent until the reply (errno=0), as bench/footprint.sh
reports it. Each peer gets a random public key, one /32 (10.0.0.0/8) and one /128 (fd00::/64),
an endpoint and a persistent keepalive of 0, as a hub's configuration would.

    bench/uapi-peers.py SOCKET N
"""
import os
import socket
import sys
import time


def main():
    path, n = sys.argv[1], int(sys.argv[2])
    lines = ["set=1", "replace_peers=true"]
    for i in range(n):
        a = (i + 1) & 0xFFFFFF
        lines += [
            "public_key=" + os.urandom(32).hex(),
            "endpoint=192.0.2.%d:%d" % (1 + i % 250, 10000 + i % 50000),
            "replace_allowed_ips=true",
            "allowed_ip=10.%d.%d.%d/32" % (a >> 16, (a >> 8) & 255, a & 255),
            "allowed_ip=fd00::%x:%x/128" % (a >> 16, a & 0xFFFF),
        ]
    request = ("\n".join(lines) + "\n\n").encode()
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    t0 = time.monotonic()
    s.sendall(request)
    reply = b""
    while not reply.endswith(b"\n\n"):
        chunk = s.recv(4096)
        if not chunk:
            break
        reply += chunk
    elapsed = time.monotonic() - t0
    s.close()
    if b"errno=0" not in reply:
        print("failed: %r" % reply[:200], file=sys.stderr)
        sys.exit(1)
    print("%.3f" % elapsed)


if __name__ == "__main__":
    main()
