#!/usr/bin/env bash
# jumbo.sh: one size limit, end to end (issue 10 item 3). wgdesk-engine (A) and wireguard-go (B)
# over a veth with jumbo frames. The tunnel MTU is set from outside (ip link set mtu, as wg-quick
# does): at 9000, DF pings of 8972 bytes (9000 on the wire) get through both ways; at 9216, the
# largest packet wgdesk carries, DF pings of 9188 bytes; at 9300, above the limit, the engine
# drops what is too big (never a crash) and afterwards ordinary and large pings still work.
. "$(dirname "$0")/lib.sh"
require_root_tools timeout

NA=${T}na NB=${T}nb IA=${T}a IB=${T}b
PA=51820 PB=51821
mkns "$NA" && mkns "$NB" && veth "$NA" "${T}va" "$NB" "${T}vb" || exit 1
ip -n "$NA" link set "${T}va" mtu 9500
ip -n "$NB" link set "${T}vb" mtu 9500
ip -n "$NA" addr add 192.168.78.1/24 dev "${T}va"
ip -n "$NB" addr add 192.168.78.2/24 dev "${T}vb"

start_engine java "$NA" "$IA" || exit 1
start_engine go "$NB" "$IB" || exit 1
genkey a; genkey b
ip -n "$NA" addr add 10.78.0.1/24 dev "$IA"
ip -n "$NB" addr add 10.78.0.2/24 dev "$IB"
check "A: wg set" wg set "$IA" private-key "$WORK/a.key" listen-port $PA \
  peer "$(pub b)" allowed-ips 10.78.0.2/32 endpoint 192.168.78.2:$PB
check "B: wg set" wg set "$IB" private-key "$WORK/b.key" listen-port $PB \
  peer "$(pub a)" allowed-ips 10.78.0.1/32 endpoint 192.168.78.1:$PA

mtu() { ip -n "$NA" link set "$IA" mtu "$1" && ip -n "$NB" link set "$IB" mtu "$1"; }
# count NS ADDR N SIZE: N DF pings of SIZE bytes, prints and checks how many were answered
answered() {
  nsx "$1" ping -n -q -c "$3" -i 0.2 -W 2 -M do -s "$4" "$2" 2>&1 | sed -n 's/.* \([0-9]*\) received.*/\1/p'
}
big() { # label ns addr size
  local got; got=$(answered "$2" "$3" 10 "$4")
  echo "$1: ${got:-0}/10 answered"
  check "$1: 10/10 answered" [ "${got:-0}" = 10 ]
}

check "ordinary ping A -> B at MTU 1420" reach "$NA" 10.78.0.2
check "ordinary ping B -> A at MTU 1420" reach "$NB" 10.78.0.1

log "--- MTU 9000"
mtu 9000
big "A -> B, 8972-byte DF pings at MTU 9000" "$NA" 10.78.0.2 8972
big "B -> A, 8972-byte DF pings at MTU 9000" "$NB" 10.78.0.1 8972
check "A: an 8973-byte DF ping does not fit MTU 9000" unreachable "$NA" 10.78.0.2 -s 8973 -M do

log "--- MTU 9216 (the largest packet wgdesk carries)"
mtu 9216
big "A -> B, 9188-byte DF pings at MTU 9216" "$NA" 10.78.0.2 9188
big "B -> A, 9188-byte DF pings at MTU 9216" "$NB" 10.78.0.1 9188

log "--- MTU 9300 (above the limit): oversized packets are dropped, nothing breaks"
mtu 9300
for s in 9204 9212 9220 9240 9272; do  # 9212 and 9220: packets of 9240 and 9248, which once overran the seal
  got=$(answered "$NA" 10.78.0.2 3 $s)
  echo "A -> B, $s-byte DF pings at MTU 9300: ${got:-0}/3 answered (over the limit: dropped by the engine)"
  got=$(answered "$NB" 10.78.0.1 3 $s)
  echo "B -> A, $s-byte DF pings at MTU 9300: ${got:-0}/3 answered"
done
check "A's engine is still running after oversized packets" kill -0 "$(eval echo \$PID_$IA)"
check "the engine logged that the MTU is above its limit" grep -q "is above 9216, the largest packet" "$WORK/$IA.log"
check "ordinary ping A -> B after oversized packets" reach "$NA" 10.78.0.2
check "ordinary ping B -> A after oversized packets" reach "$NB" 10.78.0.1
big "A -> B, 9188-byte DF pings still work at MTU 9300" "$NA" 10.78.0.2 9188
big "B -> A, 9188-byte DF pings still work at MTU 9300" "$NB" 10.78.0.1 9188

log "--- back to MTU 1420"
mtu 1420
check "ordinary ping A -> B" reach "$NA" 10.78.0.2
check "ordinary ping B -> A" reach "$NB" 10.78.0.1
check "full-size DF ping A -> B at 1420" reach "$NA" 10.78.0.2 -s 1392 -M do
check "A's engine is still running" kill -0 "$(eval echo \$PID_$IA)"
check "the engine logged no internal error" sh -c "! grep -q 'unexpected error in the' '$WORK/$IA.log'"
[ "$FAILS" = 0 ] || show_logs
