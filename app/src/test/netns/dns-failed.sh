#!/usr/bin/env bash
# dns-failed.sh: the diagnosis `dns-failed` (issue 14 item 1) against wireguard-go. The wgdesk
# helper (target/dist 'wgdesk helper') runs in namespace C with a tunnel whose endpoint is a host
# name, resolved through C's own /etc/hosts: the file $WORK/hosts bind-mounted over /etc/hosts in
# the mount namespace that 'ip netns exec' gives the helper (the host's /etc/hosts is never
# touched), as in moved-server.sh. The tunnel works and is diagnosed `ok`; then the wireguard-go
# server in namespace S forgets the client and the name disappears from the hosts file (rewritten
# in place, same inode, as the bind mount needs). While pings keep the client initiating
# handshakes, the helper re-resolves the name (handshakes failing), the look-up fails, and
# `wgdesk show NAME --json` must give `dns-failed` with a message naming the host name.
. "$(dirname "$0")/lib.sh"
require_root_tools wireguard-go mount sha256sum

WGDESK=${WGDESK:-$(dirname "$ENGINE")/wgdesk}
[ -x "$WGDESK" ] || { echo "SKIP: $WGDESK not built (run ./mvnw package)"; exit 77; }
# s: 15 s to call handshakes failing, look-ups at +0/+15/+30 s, the JVM's caches (30 s positive,
# 10 s negative)
DIAGNOSIS_LIMIT=${DIAGNOSIS_LIMIT:-120}
NC=${T}c NS=${T}s IS=${T}g
NAME=dnsfail
PORT=51841
HOSTNAME_=gone.wgdesk-test.invalid
SOCK="$WORK/helper.sock"
etc_hosts_before=$(sha256sum /etc/hosts)

mkns "$NC" && mkns "$NS" && veth "$NC" "${T}vc" "$NS" "${T}vs" || exit 1
ip -n "$NC" addr add 192.168.84.1/24 dev "${T}vc"
ip -n "$NS" addr add 192.168.84.2/24 dev "${T}vs"

start_engine go "$NS" "$IS" || exit 1
genkey client; genkey server
ip -n "$NS" addr add 10.84.0.2/24 dev "$IS"
check "server: wg set" wg set "$IS" private-key "$WORK/server.key" listen-port $PORT \
  peer "$(pub client)" allowed-ips 10.84.0.1/32

printf '127.0.0.1 localhost\n::1 localhost\n192.168.84.2 %s\n' "$HOSTNAME_" > "$WORK/hosts"
hosts_inode=$(stat -c %i "$WORK/hosts")

mkdir -p "$WORK/state"
ip netns exec "$NC" sh -c 'mount --bind "$1" /etc/hosts && shift && exec "$@"' sh "$WORK/hosts" \
  "$WGDESK" helper --socket "$SOCK" --state-dir "$WORK/state" --policy "$WORK/helper.conf" \
  >"$WORK/helper.log" 2>&1 &
HELPER=$!
PIDS+=($HELPER)
wd() { timeout 60 "$WGDESK" --socket "$SOCK" "$@"; }
helper_up() { [ -S "$SOCK" ] && wd list >/dev/null 2>&1; }
if ! wait_for 60 helper_up; then echo "the helper did not start:"; cat "$WORK/helper.log"; exit 1; fi
check "the helper resolves names through its own hosts file" \
  ip netns exec "$NC" sh -c 'mount --bind "$1" /etc/hosts && getent hosts "$2"' sh "$WORK/hosts" "$HOSTNAME_"

cat > "$WORK/$NAME.conf" <<CONF
[Interface]
PrivateKey = $(cat "$WORK/client.key")
Address = 10.84.0.1/24

[Peer]
PublicKey = $(pub server)
Endpoint = $HOSTNAME_:$PORT
AllowedIPs = 10.84.0.2/32
CONF
check "import the tunnel" wd import "$WORK/$NAME.conf"
check "activate it" wd up "$NAME"
check "the tunnel works" reach "$NC" 10.84.0.2

# diagnosis FIELD: the first peer's diagnosis FIELD (code, message) in `wgdesk show NAME --json`.
diagnosis() {
  wd show "$NAME" --json 2>/dev/null | python3 -c '
import json, sys
try:
    print(json.load(sys.stdin)["peers"][0]["diagnosis"][sys.argv[1]])
except Exception:
    print("?")' "$1"
}
check "the diagnosis is ok while the tunnel works (got $(diagnosis code))" [ "$(diagnosis code)" = ok ]

log "--- the server forgets the client; the name disappears from the hosts file"
wg set "$IS" peer "$(pub client)" remove
# In place: a rename would leave the bind mount on the old file.
printf '127.0.0.1 localhost\n::1 localhost\n' > "$WORK/hosts"
check "the hosts file was rewritten in place (same inode)" [ "$(stat -c %i "$WORK/hosts")" = "$hosts_inode" ]
check_not "the name no longer resolves in the helper's namespace" \
  ip netns exec "$NC" sh -c 'mount --bind "$1" /etc/hosts && getent hosts "$2"' sh "$WORK/hosts" "$HOSTNAME_"

# Pings keep the client initiating handshakes (bounded by DIAGNOSIS_LIMIT).
t0=$(date +%s)
elapsed=-1 got=?
while [ $(($(date +%s) - t0)) -lt "$DIAGNOSIS_LIMIT" ]; do
  nsx "$NC" ping -n -q -c 1 -W 1 10.84.0.2 >/dev/null 2>&1
  got=$(diagnosis code)
  if [ "$got" = dns-failed ]; then elapsed=$(($(date +%s) - t0)); break; fi
done
echo "diagnosis $got ${elapsed} s after the name disappeared (limit ${DIAGNOSIS_LIMIT} s):"
wd show "$NAME" --json | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["peers"][0]["diagnosis"], indent=1))'
check "dns-failed within ${DIAGNOSIS_LIMIT} s (got $got)" [ "$elapsed" -ge 0 ]
message=$(diagnosis message)
check "the message names the host name ($message)" grep -qF "$HOSTNAME_" <<<"$message"
check "wgdesk show prints it on the peer's line" sh -c "'$WGDESK' --socket '$SOCK' show '$NAME' | grep -q '^    diagnosis: dns-failed: '"
check "no private key in the helper's log" sh -c "! grep -qF '$(cat "$WORK/client.key")' '$WORK/helper.log'"
check "the host's /etc/hosts is untouched" [ "$(sha256sum /etc/hosts)" = "$etc_hosts_before" ]
check "deactivate" wd down "$NAME"
grep -E -i 'resolve' "$WORK/helper.log"
[ "$FAILS" = 0 ] || show_logs
