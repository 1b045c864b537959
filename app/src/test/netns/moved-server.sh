#!/usr/bin/env bash
# moved-server.sh: endpoints that move (issue 14 item 2). The wgdesk helper (target/dist
# 'wgdesk helper') runs in namespace C with a tunnel whose endpoint is a host name, resolved
# through C's own /etc/hosts: the file $WORK/hosts bind-mounted over /etc/hosts inside the mount
# namespace that 'ip netns exec' gives the helper (the host's /etc/hosts is never touched). The
# wireguard-go "server" in namespace S then restarts on a new address; while the name still points
# at the old one, nothing passes; once the test rewrites the hosts entry (in place, same inode,
# as the bind mount needs), the helper re-resolves the name because handshakes fail and the
# tunnel recovers by itself within a bounded time.
. "$(dirname "$0")/lib.sh"
require_root_tools wireguard-go mount sha256sum

WGDESK=${WGDESK:-$(dirname "$ENGINE")/wgdesk}
[ -x "$WGDESK" ] || { echo "SKIP: $WGDESK not built (run ./mvnw package)"; exit 77; }
RECOVERY_LIMIT=${RECOVERY_LIMIT:-90} # s: 15 s to call it failing, look-ups at +0/+15/+30 s, the JVM's 30 s cache
NC=${T}c NS=${T}s IS=${T}g
NAME=moved
PORT=51840
HOSTNAME_=server.wgdesk-test.invalid
SOCK="$WORK/helper.sock"
etc_hosts_before=$(sha256sum /etc/hosts)

mkns "$NC" && mkns "$NS" && veth "$NC" "${T}vc" "$NS" "${T}vs" || exit 1
ip -n "$NC" addr add 192.168.83.1/24 dev "${T}vc"
ip -n "$NS" addr add 192.168.83.2/24 dev "${T}vs"

start_engine go "$NS" "$IS" || exit 1
genkey client; genkey server
ip -n "$NS" addr add 10.83.0.2/24 dev "$IS"
check "server: wg set" wg set "$IS" private-key "$WORK/server.key" listen-port $PORT \
  peer "$(pub client)" allowed-ips 10.83.0.1/32

printf '127.0.0.1 localhost\n::1 localhost\n192.168.83.2 %s\n' "$HOSTNAME_" > "$WORK/hosts"
# Rewrites the name's entry in place: a rename would leave the bind mount on the old file.
point_name_at() { printf '127.0.0.1 localhost\n::1 localhost\n%s %s\n' "$1" "$HOSTNAME_" > "$WORK/hosts"; }

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
Address = 10.83.0.1/24

[Peer]
PublicKey = $(pub server)
Endpoint = $HOSTNAME_:$PORT
AllowedIPs = 10.83.0.2/32
CONF
check "import the tunnel" wd import "$WORK/$NAME.conf"
check "activate it" wd up "$NAME"
check "the tunnel works at the first address" reach "$NC" 10.83.0.2
endpoint() { wd show "$NAME" | sed -n 's/^ *endpoint: //p' | head -n 1; }
check "the endpoint is the name's first address" [ "$(endpoint)" = "192.168.83.2:$PORT" ]

log "--- the server restarts on a new address, 192.168.83.3; the name still points at .2"
# As a home server that got a new address from its ISP when its router restarted: it also
# forgets the client (sessions and endpoint), else its own handshake retries from the new
# address would reach the client and move the client's endpoint by roaming, no name needed.
# (The old address is removed first: removing a subnet's primary address takes the others with it.)
ip -n "$NS" addr del 192.168.83.2/24 dev "${T}vs"
ip -n "$NS" addr add 192.168.83.3/24 dev "${T}vs"
wg set "$IS" peer "$(pub client)" remove
wg set "$IS" peer "$(pub client)" allowed-ips 10.83.0.1/32
t0=$(date +%s)
ok=0
while [ $(($(date +%s) - t0)) -lt 25 ]; do
  nsx "$NC" ping -n -q -c 1 -W 1 10.83.0.2 >/dev/null 2>&1 && ok=1
done
check "nothing passes while the name points at the old address (25 s of pings)" [ $ok = 0 ]
check "and the endpoint was not changed on an unchanged name" [ "$(endpoint)" = "192.168.83.2:$PORT" ]

log "--- the name moves to 192.168.83.3"
point_name_at 192.168.83.3
t0=$(date +%s)
recovered=-1
while [ $(($(date +%s) - t0)) -lt "$RECOVERY_LIMIT" ]; do
  if nsx "$NC" ping -n -q -c 1 -W 1 10.83.0.2 >/dev/null 2>&1; then recovered=$(($(date +%s) - t0)); break; fi
done
echo "tunnel back ${recovered} s after the name moved (limit ${RECOVERY_LIMIT} s)"
check "the tunnel recovers by itself within ${RECOVERY_LIMIT} s" [ "$recovered" -ge 0 ]
check "pings pass again" reach "$NC" 10.83.0.2
check "the endpoint is the name's new address" [ "$(endpoint)" = "192.168.83.3:$PORT" ]
check "the move is logged with the old and the new address" \
  grep -q "Endpoint $HOSTNAME_:$PORT moved from 192.168.83.2:$PORT to 192.168.83.3:$PORT" "$WORK/helper.log"
check "no private key in the helper's log" sh -c "! grep -qF '$(cat "$WORK/client.key")' '$WORK/helper.log'"
check "the host's /etc/hosts is untouched" [ "$(sha256sum /etc/hosts)" = "$etc_hosts_before" ]
check "deactivate" wd down "$NAME"
grep -E 'moved|Network changed|resolve' "$WORK/helper.log"
[ "$FAILS" = 0 ] || show_logs
