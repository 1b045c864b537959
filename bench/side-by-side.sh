#!/usr/bin/env bash
# bench/side-by-side.sh NAME=PATH ...: side-by-side figures for wireguard-go compatible engines
# per engine, alternated over ROUNDS: daemon-mode start (ms), idle RSS with one peer (MiB,
# opposite a wireguard-go peer, after a ping and IDLE s), CPU s per GB and peak RSS while iperf3
# TCP at RATE for LOAD s (engine sending to a wireguard-go peer), throughput unlimited (Mbit/s).
# Written for the native-image experiment (docs/native-image.md), e.g.
#   sudo flock /tmp/wgdesk-root-tests.lock bench/side-by-side.sh native=app/target/native/bin/wgdesk-engine \
#     hotspot=app/target/dist/bin/wgdesk-engine go=$(command -v wireguard-go)
# Not a test: prints figures. Needs root, iproute2, wg, wireguard-go, iperf3, python3.
# Environment: ROUNDS (3), IDLE (5 s), RATE (300M), LOAD (8 s), DUR (5 s).
set -uo pipefail
ROUNDS=${ROUNDS:-3} IDLE=${IDLE:-5} RATE=${RATE:-300M} LOAD=${LOAD:-8} DUR=${DUR:-5}
T=nic$$
WORK=$(mktemp -d "/tmp/$T.XXXXXX")
cleanup() { for ns in ${T}s ${T}a ${T}b; do for p in $(ip netns pids $ns 2>/dev/null); do kill $p 2>/dev/null; done; done; sleep 1
  for ns in ${T}s ${T}a ${T}b; do for p in $(ip netns pids $ns 2>/dev/null); do kill -9 $p 2>/dev/null; done; ip netns del $ns 2>/dev/null; done; rm -f /var/run/wireguard/${T}*.sock; rm -rf "$WORK"; }
trap cleanup EXIT
epid() { ip netns pids "$1" | while read -r p; do case $(readlink "/proc/$p/exe") in */java|*/wireguard-go|*/wgdesk-engine-native) echo "$p"; break ;; esac; done; }
stopns() { for p in $(ip netns pids "$1"); do kill $p 2>/dev/null; done; for i in $(seq 50); do [ -z "$(ip netns pids "$1")" ] && break; sleep 0.1; done; for p in $(ip netns pids "$1"); do kill -9 $p 2>/dev/null; done; }
ip netns add ${T}s
start_ms() { local e=$1 n=$2 t0 ms; t0=$EPOCHREALTIME; ip netns exec ${T}s env -u LOG_LEVEL "$e" ${T}$n >/dev/null 2>&1; local rc=$?
  ms=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.0f",(b-a)*1000}')
  if [ $rc = 0 ] && [ -S /var/run/wireguard/${T}$n.sock ]; then echo $ms; else echo fail; fi; stopns ${T}s; rm -f /var/run/wireguard/${T}$n.sock; }
topo() { # ENGINE -> sets up A (engine) <-> B (wireguard-go), echoes pid of A's engine
  local e=$1; cleanup_topo
  ip netns add ${T}a; ip netns add ${T}b
  ip link add ${T}va netns ${T}a type veth peer name ${T}vb netns ${T}b
  ip -n ${T}a addr add 192.168.78.1/24 dev ${T}va; ip -n ${T}a link set ${T}va up; ip -n ${T}a link set lo up
  ip -n ${T}b addr add 192.168.78.2/24 dev ${T}vb; ip -n ${T}b link set ${T}vb up; ip -n ${T}b link set lo up
  ip netns exec ${T}a env LOG_LEVEL=error "$e" -f ${T}wa >"$WORK/a.$RANDOM.log" 2>&1 &
  ip netns exec ${T}b env LOG_LEVEL=error wireguard-go -f ${T}wb >/dev/null 2>&1 &
  for i in $(seq 100); do [ -S /var/run/wireguard/${T}wa.sock ] && [ -S /var/run/wireguard/${T}wb.sock ] && break; sleep 0.1; done
  local ka kb; ka=$(wg genkey); kb=$(wg genkey)
  wg set ${T}wa private-key <(echo $ka) listen-port 51820 peer $(echo $kb|wg pubkey) allowed-ips 10.78.0.2/32 endpoint 192.168.78.2:51820
  wg set ${T}wb private-key <(echo $kb) listen-port 51820 peer $(echo $ka|wg pubkey) allowed-ips 10.78.0.1/32 endpoint 192.168.78.1:51820
  ip -n ${T}a addr add 10.78.0.1/24 dev ${T}wa; ip -n ${T}a link set ${T}wa up
  ip -n ${T}b addr add 10.78.0.2/24 dev ${T}wb; ip -n ${T}b link set ${T}wb up
  ip netns exec ${T}a ping -c 3 -i 0.2 -W 1 10.78.0.2 >/dev/null || echo "PING FAILED ($e)" >&2
}
cleanup_topo() { for ns in ${T}a ${T}b; do ip netns list | grep -q "^$ns" || continue; stopns $ns; ip netns del $ns; done; rm -f /var/run/wireguard/${T}w*.sock; }
cpu_ticks() { awk '{print $14+$15}' /proc/$1/stat; }
declare -A R
names=(); for kv in "$@"; do names+=("${kv%%=*}"); done
# untimed starts first (the JVM launcher records, then creates its AOT cache, as after installation)
for kv in "$@"; do e=${kv#*=}; start_ms "$e" p1 >/dev/null; start_ms "$e" p2 >/dev/null; done
for i in $(seq 60); do pgrep -f 'AOTMode=create' >/dev/null || break; sleep 1; done
for kv in "$@"; do e=${kv#*=}; start_ms "$e" p3 >/dev/null; done
for r in $(seq $ROUNDS); do
  for kv in "$@"; do
    n=${kv%%=*} e=${kv#*=}
    s=$(start_ms "$e" s$r)
    topo "$e"
    sleep $IDLE
    p=$(epid ${T}a)
    idle=$(awk '/VmRSS/{printf "%.1f",$2/1024}' /proc/$p/status); file=$(awk '/RssFile/{printf "%.1f",$2/1024}' /proc/$p/status); anon=$(awk '/RssAnon/{printf "%.1f",$2/1024}' /proc/$p/status); thr=$(awk '/Threads/{print $2}' /proc/$p/status)
    ip netns exec ${T}b iperf3 -s -D -1 >/dev/null 2>&1; sleep 0.3
    c0=$(cpu_ticks $p)
    bytes=$(ip netns exec ${T}a iperf3 -c 10.78.0.2 -b $RATE -t $LOAD -J 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["end"]["sum_received"]["bytes"])' 2>/dev/null)
    c1=$(cpu_ticks $p)
    peak=$(awk '/VmHWM/{printf "%.1f",$2/1024}' /proc/$p/status)
    cpugb=$(awk -v c=$((c1-c0)) -v b=${bytes:-0} -v hz=$(getconf CLK_TCK) 'BEGIN{ if (b>0) printf "%.2f", (c/hz)/(b/1e9); else print "n/a"}')
    ip netns exec ${T}b iperf3 -s -D -1 >/dev/null 2>&1; sleep 0.3
    mbps=$(ip netns exec ${T}a iperf3 -c 10.78.0.2 -t $DUR -J 2>/dev/null | python3 -c 'import json,sys; print("%.0f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/1e6))' 2>/dev/null)
    echo "round $r $n: start ${s} ms, idle ${idle} MiB (file ${file} anon ${anon}, ${thr} threads), ${RATE} for ${LOAD}s: ${cpugb} CPU s/GB, peak ${peak} MiB; unlimited ${mbps} Mbit/s (to wireguard-go)"
    R[$n.start]+=" $s"; R[$n.idle]+=" $idle"; R[$n.cpugb]+=" $cpugb"; R[$n.peak]+=" $peak"; R[$n.mbps]+=" $mbps"
    cleanup_topo
  done
done
median() { tr ' ' '\n' | grep -E '^[0-9.]+$' | sort -g | awk '{a[NR]=$1} END{ if(NR==0) print "n/a"; else if(NR%2) print a[(NR+1)/2]; else printf "%.2f\n",(a[NR/2]+a[NR/2+1])/2}'; }
echo "medians of $ROUNDS alternated rounds:"
for n in "${names[@]}"; do
  echo "  $n: start $(echo ${R[$n.start]} | median) ms, idle $(echo ${R[$n.idle]} | median) MiB, cpu/GB $(echo ${R[$n.cpugb]} | median) s, peak $(echo ${R[$n.peak]} | median) MiB, unlimited $(echo ${R[$n.mbps]} | median) Mbit/s"
done
