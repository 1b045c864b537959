#!/usr/bin/env bash
# moved-server.sh: endpoints that move (issue 14 item 2). The wgdesk helper (target/dist 'wgdesk
# helper') runs in namespace C with a tunnel whose endpoint is a host name, resolved through C's own
# /etc/hosts (lib.sh's helper_tunnel_setup). The wireguard-go "server" in namespace S then restarts
# on a new address; while the name still points at the old one, nothing passes; once the test
# rewrites the hosts entry (in place, same inode, as the bind mount needs), the helper re-resolves
# the name because handshakes fail and the tunnel recovers by itself within a bounded time.
. "$(dirname "$0")/lib.sh"
require_root_tools wireguard-go mount sha256sum

RECOVERY_LIMIT=${RECOVERY_LIMIT:-90} # s: 15 s to call it failing, look-ups at +0/+15/+30 s, the JVM's 30 s cache
helper_tunnel_setup 83 51840 server.wgdesk-test.invalid moved
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
write_hosts 192.168.83.3
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
helper_final_checks
grep -E 'moved|Network changed|resolve' "$WORK/helper.log"
[ "$FAILS" = 0 ] || show_logs
