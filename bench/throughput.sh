#!/usr/bin/env bash
# bench/throughput.sh: throughput and latency of wgdesk-engine against wireguard-go.
#
# Builds one two-namespace topology (veth pair, a WireGuard tunnel across it) per pairing:
#   java  = wgdesk-engine <-> wgdesk-engine          go   = wireguard-go <-> wireguard-go
#   mixed = wgdesk-engine <-> wireguard-go           javaw = wgdesk-engine with $VARIANT_OPTS
# (mixed is measured both ways: "mixed" with wgdesk-engine sending, "mixedR" with it receiving)
# then, after an unrecorded warm-up run each ($WARMUP s: the JIT needs it, more so on a busy machine), alternates rounds over them (java, go, mixed, javaw, java, go, ...): an iperf3 TCP run of
# $DURATION seconds through the tunnel, and a ping RTT sample. Prints per-run figures, medians,
# the Java/Go ratios and the engines' peak RSS (VmHWM). RTT = median of 50 pings at 20 ms intervals. Not a test: it always exits 0 unless the
# set-up fails. Needs root, iproute2, wg, wireguard-go, iperf3, python3; run after
# ./mvnw -B -DskipTests package.
#
# Environment: DURATION (s, default 5), ROUNDS (default 3), WARMUP (s, default 10), ENGINE (default
# app/target/dist/bin/wgdesk-engine), WGDESK_ENGINE_OPTS (JVM options for every Java engine),
# VARIANT_OPTS (extra JVM options for the javaw pairing, default -Dwgdesk.cryptoWorkers=2; empty
# to skip it).
set -uo pipefail
umask 077
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ENGINE=${ENGINE:-$ROOT/app/target/dist/bin/wgdesk-engine}
WG_GO=$(command -v wireguard-go || true)
DURATION=${DURATION:-5}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-10}
VARIANT_OPTS=${VARIANT_OPTS--Dwgdesk.cryptoWorkers=2}
T=wgb$$x
WORK=$(mktemp -d "/tmp/$T.XXXXXX")
NSES=()
PIDS=()

[ "$(id -u)" = 0 ] || { echo "needs root"; exit 1; }
for t in ip wg iperf3 python3 ping; do command -v $t >/dev/null || { echo "$t is not installed"; exit 1; }; done
[ -n "$WG_GO" ] || { echo "wireguard-go is not installed"; exit 1; }
[ -x "$ENGINE" ] || { echo "$ENGINE is missing: run ./mvnw -B -DskipTests package"; exit 1; }

cleanup() {
  local pid ns
  trap - EXIT
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for ns in "${NSES[@]}"; do for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null; done; done
  sleep 1
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null; done
  for ns in "${NSES[@]}"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
    ip netns del "$ns" 2>/dev/null
  done
  wait 2>/dev/null
  rm -f /var/run/wireguard/$T*.sock
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
wait_sock() { local i; for i in $(seq 300); do [ -S /var/run/wireguard/$1.sock ] && wg show "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }

# start IMPL NS IFACE [JVM options]: prints nothing, records the pid in PID_<IFACE>
start() {
  local impl=$1 ns=$2 ifc=$3 opts=${4:-}
  if [ "$impl" = go ]; then
    ip netns exec "$ns" env LOG_LEVEL=error WG_PROCESS_FOREGROUND=1 "$WG_GO" -f "$ifc" >"$WORK/$ifc.log" 2>&1 &
  else
    ip netns exec "$ns" env LOG_LEVEL=error WGDESK_ENGINE_OPTS="${WGDESK_ENGINE_OPTS:-} $opts" "$ENGINE" -f "$ifc" >"$WORK/$ifc.log" 2>&1 &
  fi
  PIDS+=($!)
  eval "PID_$ifc=$!"
  wait_sock "$ifc" || { echo "$impl engine $ifc did not start"; cat "$WORK/$ifc.log"; exit 1; }
}

# topo NAME N IMPL_A IMPL_B [JVM options]: namespaces ${T}NAMEa/b, tunnel 10.9N.0.1 <-> .2
topo() {
  local name=$1 n=$2 ia=$3 ib=$4 opts=${5:-}
  local na=$T${name}a nb=$T${name}b wa=$T${n}a wb=$T${n}b
  ip netns add "$na" && NSES+=("$na"); ip netns add "$nb" && NSES+=("$nb")
  ip -n "$na" link set lo up; ip -n "$nb" link set lo up
  ip link add "$T${n}va" netns "$na" type veth peer name "$T${n}vb" netns "$nb"
  ip -n "$na" addr add 192.168.9$n.1/24 dev "$T${n}va"; ip -n "$na" link set "$T${n}va" up
  ip -n "$nb" addr add 192.168.9$n.2/24 dev "$T${n}vb"; ip -n "$nb" link set "$T${n}vb" up
  start "$ia" "$na" "$wa" "$opts"
  start "$ib" "$nb" "$wb" "$opts"
  wg genkey > "$WORK/$wa.key"; wg genkey > "$WORK/$wb.key"
  wg set "$wa" private-key "$WORK/$wa.key" listen-port 51820 peer "$(wg pubkey < "$WORK/$wb.key")" \
    allowed-ips 10.9$n.0.2/32 endpoint 192.168.9$n.2:51820
  wg set "$wb" private-key "$WORK/$wb.key" listen-port 51820 peer "$(wg pubkey < "$WORK/$wa.key")" \
    allowed-ips 10.9$n.0.1/32 endpoint 192.168.9$n.1:51820
  ip -n "$na" addr add 10.9$n.0.1/24 dev "$wa"; ip -n "$na" link set "$wa" up mtu 1420
  ip -n "$nb" addr add 10.9$n.0.2/24 dev "$wb"; ip -n "$nb" link set "$wb" up mtu 1420
  ip netns exec "$nb" iperf3 -s -B 10.9$n.0.2 >/dev/null 2>&1 &
  PIDS+=($!)
  local i; for i in $(seq 20); do ip netns exec "$na" ping -c 1 -W 1 10.9$n.0.2 >/dev/null 2>&1 && break; done
  eval "NS_A_$name=$na; N_$name=$n; IA_$name=$wa; IB_$name=$wb; IMPL_$name='$ia/$ib'"
}

iperf() { # name -> Mbit/s received; mixedR: the mixed topology with B (wireguard-go) sending
  local name=$1 rev=; [ "$name" = mixedR ] && name=mixed rev=-R
  local na n; eval "na=\$NS_A_$name; n=\$N_$name"
  ip netns exec "$na" timeout $((DURATION + 30)) iperf3 -c 10.9$n.0.2 -t "$DURATION" -O 1 -J $rev 2>/dev/null |
    python3 -c "import json,sys
try: print('%.0f' % (json.load(sys.stdin)['end']['sum_received']['bits_per_second'] / 1e6))
except Exception: print('0')"
}
rtt() { # name -> median RTT in ms of 50 pings
  local name=${1%R}; local na n; eval "na=\$NS_A_$name; n=\$N_$name"
  ip netns exec "$na" ping -n -c 50 -i 0.02 -W 1 10.9$n.0.2 2>/dev/null | sed -n 's|.* time=\([0-9.]*\) ms|\1|p' | median
}
impl() { case $1 in mixedR) echo 'go->java' ;; *) eval echo "\$IMPL_$1" ;; esac; }
hwm() { awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null; }

echo "wgdesk-engine throughput benchmark: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), iperf3 TCP ${DURATION}s x $ROUNDS rounds per pairing after ${WARMUP}s warm-up"
echo "engine JVM options: ${WGDESK_ENGINE_OPTS:-(default)}; variant javaw: ${VARIANT_OPTS:-(skipped)}"
NAMES="java go mixed mixedR"
topo java 1 java java
topo go 2 go go
topo mixed 3 java go
if [ -n "$VARIANT_OPTS" ]; then topo javaw 4 java java "$VARIANT_OPTS"; NAMES="$NAMES javaw"; fi

for name in $NAMES; do   # warm-up (JIT compilation), not recorded
  [ "$name" = mixedR ] && continue
  DURATION=$WARMUP iperf "$name" >/dev/null
done
for r in $(seq "$ROUNDS"); do
  for name in $NAMES; do
    mbps=$(iperf "$name"); ms=$(rtt "$name")
    eval "TP_$name=\"\${TP_$name:-} $mbps\"; RTT_$name=\"\${RTT_$name:-} $ms\""
    printf 'round %d  %-6s %-10s %6s Mbit/s   rtt %s ms\n' "$r" "$name" "$(impl "$name")" "$mbps" "$ms"
  done
done

echo
echo "pairing  engines       median Mbit/s   median RTT ms   peak RSS MiB (A, B)"
for name in $NAMES; do
  eval "tp=\$TP_$name; rt=\$RTT_$name; ia=\$IA_${name%R}; ib=\$IB_${name%R}"
  eval "pa=\$PID_$ia; pb=\$PID_$ib"
  printf '%-8s %-12s %14s %15s   %s, %s\n' "$name" "$(impl "$name")" "$(echo "$tp" | median)" "$(echo "$rt" | median)" "$(hwm "$pa")" "$(hwm "$pb")"
  eval "MED_TP_$name=$(echo "$tp" | median); MED_RTT_$name=$(echo "$rt" | median)"
done
echo
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
echo "throughput Java/Go:        $(ratio "$MED_TP_java" "$MED_TP_go")"
echo "throughput mixed/Go:       $(ratio "$MED_TP_mixed" "$MED_TP_go")   (wgdesk-engine sending)"
echo "throughput mixedR/Go:      $(ratio "$MED_TP_mixedR" "$MED_TP_go")   (wgdesk-engine receiving)"
echo "RTT Java/Go:               $(ratio "$MED_RTT_java" "$MED_RTT_go")"
if [ -n "$VARIANT_OPTS" ]; then
  echo "throughput javaw/java:     $(ratio "$MED_TP_javaw" "$MED_TP_java")   ($VARIANT_OPTS vs default)"
fi
