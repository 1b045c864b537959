#!/usr/bin/env bash
# dns-failed.sh: the diagnosis `dns-failed` (issue 14 item 1) against wireguard-go. The wgdesk
# helper (target/dist 'wgdesk helper') runs in namespace C with a tunnel whose endpoint is a host
# name, resolved through C's own /etc/hosts (lib.sh's helper_tunnel_setup, as moved-server.sh). The
# tunnel works and is diagnosed `ok`; then the wireguard-go server in namespace S forgets the client
# and the name disappears from the hosts file (rewritten in place, same inode, as the bind mount
# needs). While pings keep the client initiating handshakes, the helper re-resolves the name
# (handshakes failing), the look-up fails, and `wgdesk show NAME --json` must give `dns-failed` with
# a message naming the host name.
. "$(dirname "$0")/lib.sh"
require_root_tools wireguard-go mount sha256sum

# s: 15 s to call handshakes failing, look-ups at +0/+15/+30 s, the JVM's caches (30 s positive,
# 10 s negative)
DIAGNOSIS_LIMIT=${DIAGNOSIS_LIMIT:-120}
helper_tunnel_setup 84 51841 gone.wgdesk-test.invalid dnsfail
hosts_inode=$(stat -c %i "$WORK/hosts")

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
write_hosts
check "the hosts file was rewritten in place (same inode)" [ "$(stat -c %i "$WORK/hosts")" = "$hosts_inode" ]
check_not "the name no longer resolves in the helper's namespace" resolves_in_helper_ns

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
helper_final_checks
grep -E -i 'resolve' "$WORK/helper.log"
[ "$FAILS" = 0 ] || show_logs
