#!/usr/bin/env bash
# bad-input.sh: bad input never crashes wgdesk-engine, and it answers like wireguard-go.
#  - raw UAPI requests (unknown keys, malformed hex, bad values, unknown operations) are sent to
#    wgdesk-engine and to wireguard-go, and the replies must be identical;
#  - 'wg set ... listen-port <busy>' fails with the same message for both and the engine lives on;
#  - garbage UDP datagrams at the engine's port, and malformed IP packets written into its TUN
#    interface, are dropped;
# and after all of it, traffic with a wireguard-go peer still flows.
. "$(dirname "$0")/lib.sh"
require_root_tools timeout
NA=${T}na NB=${T}nb IA=${T}a IB=${T}b IG=${T}g
PA=51820 PB=51821
mkns "$NA" && mkns "$NB" && veth "$NA" "${T}va" "$NB" "${T}vb" || exit 1
ip -n "$NA" addr add 192.168.78.1/24 dev "${T}va"
ip -n "$NB" addr add 192.168.78.2/24 dev "${T}vb"
start_engine java "$NA" "$IA" || exit 1
start_engine go "$NB" "$IB" || exit 1
start_engine go "$NA" "$IG" || exit 1     # a reference wireguard-go beside the engine
genkey a; genkey b; genkey g
ip -n "$NA" addr add 10.78.0.1/24 dev "$IA"
ip -n "$NB" addr add 10.78.0.2/24 dev "$IB"
wg set "$IA" private-key "$WORK/a.key" listen-port $PA peer "$(pub b)" allowed-ips 10.78.0.2/32 endpoint 192.168.78.2:$PB
wg set "$IB" private-key "$WORK/b.key" listen-port $PB peer "$(pub a)" allowed-ips 10.78.0.1/32 endpoint 192.168.78.1:$PA
wg set "$IG" private-key "$WORK/g.key" listen-port 51822
check "traffic flows before" reach "$NA" 10.78.0.2

log "--- raw UAPI requests: wgdesk-engine vs wireguard-go"
junk=$(wg genkey | wg pubkey | python3 -c "import base64,sys; print(base64.b64decode(sys.stdin.read()).hex())")
hex() { printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'; }
uapi_both() { # description request
  local req; req=$(hex "$1")
  local ra rg
  ra=$(timeout 10 $NETTOOL uapi "$SOCKDIR/$IA.sock" "$req" 2>&1)
  rg=$(timeout 10 $NETTOOL uapi "$SOCKDIR/$IG.sock" "$req" 2>&1)
  echo "  $(printf '%q' "$1") -> wgdesk $ra, wireguard-go $rg"
  check "UAPI $2: same reply as wireguard-go" [ "$ra" = "$rg" ]
}
nl=$'\n'
uapi_both "set=1${nl}bogus_key=1${nl}${nl}" "unknown device key"
uapi_both "set=1${nl}private_key=zz${nl}${nl}" "malformed private key hex"
uapi_both "set=1${nl}private_key=${junk:0:63}${nl}${nl}" "63-digit private key"
uapi_both "set=1${nl}private_key=${junk}00${nl}${nl}" "66-digit private key"
uapi_both "set=1${nl}public_key=xyz${nl}${nl}" "malformed public key"
uapi_both "set=1${nl}listen_port=70000${nl}${nl}" "listen port out of range"
uapi_both "set=1${nl}listen_port=abc${nl}${nl}" "listen port not a number"
uapi_both "set=1${nl}fwmark=xyz${nl}${nl}" "fwmark not a number"
uapi_both "set=1${nl}replace_peers=maybe${nl}${nl}" "replace_peers not true"
uapi_both "set=1${nl}public_key=${junk}${nl}endpoint=nowhere${nl}${nl}" "bad endpoint"
uapi_both "set=1${nl}public_key=${junk}${nl}endpoint=[::1:51820${nl}${nl}" "unterminated IPv6 endpoint"
uapi_both "set=1${nl}public_key=${junk}${nl}allowed_ip=1.2.3.4/33${nl}${nl}" "allowed IP prefix too long"
uapi_both "set=1${nl}public_key=${junk}${nl}allowed_ip=garbage${nl}${nl}" "allowed IP garbage"
uapi_both "set=1${nl}public_key=${junk}${nl}persistent_keepalive_interval=70000${nl}${nl}" "keepalive out of range"
uapi_both "set=1${nl}public_key=${junk}${nl}preshared_key=12${nl}${nl}" "short preshared key"
uapi_both "set=1${nl}public_key=${junk}${nl}protocol_version=2${nl}${nl}" "protocol version 2"
uapi_both "set=1${nl}public_key=${junk}${nl}bogus=1${nl}${nl}" "unknown peer key"
uapi_both "set=1${nl}public_key=${junk}${nl}remove=true${nl}${nl}" "valid removal (control)"
uapi_both "set=1${nl}no_equals_sign${nl}${nl}" "line without '='"
uapi_both "get=2${nl}${nl}" "unknown operation get=2"
uapi_both "hello${nl}" "unknown operation"
uapi_both "get=1${nl}x${nl}" "get followed by junk"
check "wgdesk-engine still answers 'wg show'" wg show "$IA"
check "wgdesk-engine still has its peer" [ "$(wg show "$IA" peers)" = "$(pub b)" ]

log "--- wg set listen-port <busy>"
busy=51999
for side in "$IA" "$IG"; do
  ip netns exec "$NA" timeout 30 $NETTOOL occupy-udp $busy 30 > "$WORK/occupy.out" 2>&1 &
  PIDS+=($!)
  wait_for 10 grep -q occupied "$WORK/occupy.out"
  out=$(wg set "$side" listen-port $busy 2>&1); rc=$?
  echo "  $side: exit $rc: $out"
  eval "busy_$side=\"\$rc \$out\""
  kill "${PIDS[-1]}" 2>/dev/null; wait "${PIDS[-1]}" 2>/dev/null
done
eval "ra=\$busy_$IA; rg=\$busy_$IG"
check "busy port: wg fails (exit 1)" [ "${ra%% *}" = 1 ]
check "busy port: same wg message as wireguard-go" [ "${ra//$IA/IF}" = "${rg//$IG/IF}" ]
check "the engine is alive after the failed bind" wg show "$IA" >/dev/null
check "setting the old port again works" wg set "$IA" listen-port $PA
check "its port is $PA" [ "$(wg show "$IA" listen-port)" = $PA ]
check "traffic flows after the port error" reach "$NA" 10.78.0.2

log "--- garbage UDP datagrams"
check "send garbage at the engine's port" nsx "$NB" timeout 20 $NETTOOL udp-garbage 192.168.78.1 $PA
check "and at wireguard-go's (reference)" nsx "$NB" timeout 20 $NETTOOL udp-garbage 192.168.78.1 51822
check "the engine is alive after garbage" wg show "$IA" >/dev/null
check "traffic flows after garbage (A -> B)" reach "$NA" 10.78.0.2
check "traffic flows after garbage (B -> A)" reach "$NB" 10.78.0.1

log "--- malformed packets into the TUN interface"
tx_packets() { ip -n "$NA" -s -j link show dev "$IA" | python3 -c "import json,sys; print(json.load(sys.stdin)[0]['stats64']['tx']['packets'])"; }
before=$(tx_packets)
check "inject bad IP packets into the engine's TUN" nsx "$NA" timeout 20 $NETTOOL tun-inject "$IA"
after=$(tx_packets)
check "the kernel queued them to the engine (TUN tx packets $before -> $after)" [ $((after - before)) -ge 8 ]
check "the engine is alive after bad TUN packets" wg show "$IA" >/dev/null
check "traffic flows after bad TUN packets" reach "$NA" 10.78.0.2
check "the engine process is still running" kill -0 "$(eval echo \$PID_$IA)"
check "no ERROR lines with exception traces in the engine's log" sh -c "! grep -q 'Exception\|\bat [a-z]*\.' '$WORK/$IA.log'"
[ "$FAILS" = 0 ] || show_logs
