#!/usr/bin/env bash
# diagnosis.sh: the per-peer diagnosis (issue 14 item 1) against wireguard-go misconfigured each
# way. The wgdesk helper (from the packaged distribution) runs in namespace A, wireguard-go in B:
#
#   [A: wgdesk helper]  va 192.168.79.1/24 ---- vb 192.168.79.2/24  [B: wireguard-go, 10.79.0.2]
#
# Each scenario imports and activates a tunnel (10.79.0.1 -> 10.79.0.2), pings through it, and
# polls `wgdesk show NAME --json` until the peer's diagnosis has the expected code, which must
# happen within 30 s of activation:
#   healthy                                     -> ok
#   B does not have our public key              -> no-reply
#   B holds a different preshared key           -> bad-response
#   B's AllowedIPs for us lack 10.79.0.1        -> one-way
#   endpoint in a network A has no route to     -> unreachable
#   no endpoint                                 -> no-endpoint
# dns-failed is not reached here: activation refuses an endpoint name that does not resolve
# (wg-quick does too), so only the engine tests (DeviceDiagnosisTest) record a failed resolution.
. "$(dirname "$0")/lib.sh"
require_root_tools timeout
WGDESK=${WGDESK:-$(dirname "$ENGINE")/wgdesk}
[ -x "$WGDESK" ] || { echo "SKIP: $WGDESK not built (run ./mvnw package)"; exit 77; }

NA=${T}na NB=${T}nb IB=${T}b
SOCK=$WORK/helper.sock
mkns "$NA" && mkns "$NB" && veth "$NA" "${T}va" "$NB" "${T}vb" || exit 1
ip -n "$NA" addr add 192.168.79.1/24 dev "${T}va"
ip -n "$NB" addr add 192.168.79.2/24 dev "${T}vb"

start_engine go "$NB" "$IB" || exit 1
genkey b
wg set "$IB" private-key "$WORK/b.key" listen-port 51820 || exit 1
ip -n "$NB" addr add 10.79.0.2/24 dev "$IB"

echo "allow-scripts = false" > "$WORK/policy.conf"
ip netns exec "$NA" "$WGDESK" helper --socket "$SOCK" --state-dir "$WORK/state" --policy "$WORK/policy.conf" \
  >"$WORK/helper.log" 2>&1 &
HELPER_PID=$!
PIDS+=($HELPER_PID)
wgdesk() { "$WGDESK" --socket "$SOCK" "$@"; }
if ! wait_for 60 wgdesk list >/dev/null 2>&1; then
  echo "the helper did not start:"; cat "$WORK/helper.log"; exit 1
fi

# code NAME: the first peer's diagnosis code in `wgdesk show NAME --json`.
code() {
  wgdesk show "$1" --json 2>/dev/null | python3 -c '
import json, sys
try:
    print(json.load(sys.stdin)["peers"][0]["diagnosis"]["code"])
except Exception:
    print("?")'
}

# scenario LABEL EXPECTED NAME PEER_CONFIG_LINES: B's entry for our key must be set up by the caller.
scenario() {
  local label=$1 want=$2 name=$3 peer=$4 t0 got=? ping_pid elapsed
  {
    printf '[Interface]\nPrivateKey = %s\nAddress = 10.79.0.1/32\n\n[Peer]\nPublicKey = %s\nAllowedIPs = 10.79.0.2/32\n' \
      "$(cat "$WORK/$name.key")" "$(pub b)"
    printf '%b' "$peer"
  } > "$WORK/$name.conf"
  log "--- $label: expecting $want"
  check "$label: import" wgdesk import "$WORK/$name.conf"
  t0=$(date +%s)
  if ! check "$label: activate" wgdesk up "$name"; then
    return
  fi
  nsx "$NA" ping -n -q -i 0.5 -W 1 -w 40 10.79.0.2 >/dev/null 2>&1 &
  ping_pid=$!
  PIDS+=($ping_pid)
  while [ $(( $(date +%s) - t0 )) -le 30 ]; do
    got=$(code "$name")
    [ "$got" = "$want" ] && break
    sleep 1
  done
  elapsed=$(( $(date +%s) - t0 ))
  echo "$label: diagnosis $got after ${elapsed} s:"
  wgdesk show "$name" --json | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["peers"][0]["diagnosis"], indent=1))'
  check "$label: diagnosis $want within 30 s of activation (got $got after ${elapsed} s)" \
    [ "$got" = "$want" -a "$elapsed" -le 31 ]
  check "$label: wgdesk show prints it on the peer's line" sh -c "'$WGDESK' --socket '$SOCK' show '$name' | grep -q '^    diagnosis: $want: '"
  kill "$ping_pid" 2>/dev/null
  wait "$ping_pid" 2>/dev/null
  check "$label: deactivate" wgdesk down "$name"
  check "$label: remove" wgdesk remove "$name"
}

# healthy -> ok
genkey ${T}1
wg set "$IB" peer "$(pub ${T}1)" allowed-ips 10.79.0.1/32
scenario "healthy" ok ${T}1 "Endpoint = 192.168.79.2:51820\n"
wg set "$IB" peer "$(pub ${T}1)" remove

# B does not know our key -> no-reply
genkey ${T}2
scenario "peer lacks our public key" no-reply ${T}2 "Endpoint = 192.168.79.2:51820\n"

# a different preshared key -> bad-response
genkey ${T}3
wg genpsk > "$WORK/psk-b"
wg set "$IB" peer "$(pub ${T}3)" allowed-ips 10.79.0.1/32 preshared-key "$WORK/psk-b"
scenario "different preshared key" bad-response ${T}3 "Endpoint = 192.168.79.2:51820\nPresharedKey = $(wg genpsk)\n"
wg set "$IB" peer "$(pub ${T}3)" remove

# B's AllowedIPs for us lack our tunnel address -> one-way
genkey ${T}4
wg set "$IB" peer "$(pub ${T}4)" allowed-ips 10.79.9.9/32
scenario "peer's AllowedIPs lack our address" one-way ${T}4 "Endpoint = 192.168.79.2:51820\n"
wg set "$IB" peer "$(pub ${T}4)" remove

# an endpoint A has no route to (A has no default route) -> unreachable
genkey ${T}5
scenario "endpoint without a route" unreachable ${T}5 "Endpoint = 203.0.113.9:51820\n"

# no endpoint -> no-endpoint
genkey ${T}6
scenario "no endpoint" no-endpoint ${T}6 ""

check "the helper is still running" kill -0 "$HELPER_PID"
check "the helper logged no internal error" sh -c "! grep -q 'unexpected error in the' '$WORK/helper.log'"
[ "$FAILS" = 0 ] || show_logs
