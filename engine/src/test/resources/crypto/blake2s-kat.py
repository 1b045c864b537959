#!/usr/bin/env python3
"""Checks blake2s-kat.txt against CPython's hashlib.blake2s (the BLAKE2 reference C code).
Usage: python3 blake2s-kat.py [blake2s-kat.txt]; exits non-zero on any mismatch or missing entry."""
import hashlib, os, sys
path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "blake2s-kat.txt")
key = bytes(range(32))
seen = set()
for line in open(path):
    if not line.strip() or line.startswith("#"):
        continue
    kind, n, expected = line.split()
    data = bytes(range(int(n)))
    got = hashlib.blake2s(data, key=key) if kind == "keyed" else hashlib.blake2s(data)
    if got.hexdigest() != expected:
        sys.exit(f"mismatch: {kind} {n}")
    seen.add((kind, int(n)))
missing = [(k, n) for k in ("unkeyed", "keyed") for n in range(256) if (k, n) not in seen]
if missing:
    sys.exit(f"missing entries: {missing[:5]}...")
print(f"{len(seen)} entries agree with hashlib.blake2s")
