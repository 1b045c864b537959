#!/usr/bin/env python3
"""Minimal client of wgdesk's helper IPC protocol (docs/ipc.md), for install-test.sh.

usage: ipc.py SOCKET METHOD [PARAMS_JSON]
Prints the response's result as JSON and exits 0, or prints the error and exits 1.
Gives up after 60 seconds.
"""
import json
import socket
import sys


def main() -> int:
    if len(sys.argv) not in (3, 4):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    path, method = sys.argv[1], sys.argv[2]
    params = json.loads(sys.argv[3]) if len(sys.argv) == 4 else {}
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(60)
        s.connect(path)
        stream = s.makefile("rwb")
        hello = json.loads(stream.readline())
        if hello.get("type") != "hello" or hello.get("protocol") != 1:
            print(f"unexpected greeting: {hello}", file=sys.stderr)
            return 1
        request = {"id": 1, "protocol": 1, "method": method, "params": params}
        stream.write((json.dumps(request) + "\n").encode())
        stream.flush()
        while True:
            line = stream.readline()
            if not line:
                print("connection closed before the response", file=sys.stderr)
                return 1
            message = json.loads(line)
            if message.get("type") == "response" and message.get("id") in (1, None):
                break
    if "error" in message:
        print(json.dumps(message["error"]), file=sys.stderr)
        return 1
    print(json.dumps(message.get("result")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
