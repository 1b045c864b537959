#!/usr/bin/env bash
# bench/footprint.sh: the figures of issue 13 (footprint), wgdesk-engine beside wireguard-go, in
# one run on one machine (a busy machine shifts both: compare the ratios). When the native engine
# is built (./mvnw -Pnative package, or bench/native-engine.sh: app/target/native/bin), it is
# measured in the same run as a third column, alternated with the HotSpot engine and
# wireguard-go in each step (NATIVE=none leaves it out).
#
#   start     cold start in daemon mode, from exec until `ENGINE IFACE` returns with its TUN and
#             UAPI socket ready (median of $STARTS, alternated). The Java engine's AOT cache is
#             prepared first (two untimed starts: record, create), as a second start after
#             installation would find it.
#   idle      RSS of one end with one peer configured, after a handshake, $IDLE s idle, and its
#             split into file-backed (RssFile: the JVM's libjvm.so, the AOT cache or CDS archive,
#             libraries) and anonymous memory (RssAnon: heap, metaspace, stacks, code, malloc)
#   floor     RSS of an empty JVM (a main that sleeps) started with the Java engine's JVM options
#             (taken from its command line, without its AOT cache: the JDK's default CDS archive),
#             after $IDLE s: what the JVM itself costs, below which the engine cannot go
#   peak      peak RSS (VmHWM) of each end while iperf3 TCP at $RATE runs for $LOAD s, twice
#   cpu/GB    CPU time (user + system) of both ends per GB carried at $RATE: in the first $LOAD s
#             of traffic (the Java end's JIT compiles the data path meanwhile) and in the next
#             $LOAD s (warm)
#   speed     iperf3 TCP unlimited, $DURATION s, median of $ROUNDS alternated rounds (java<->java,
#             go<->go, java->go, go->java), after a $WARMUP s warm-up each; for the full picture
#             with RTT run bench/throughput.sh
#   scale     $PEERS peers (random keys, a /32 and a /128 each, an endpoint) set through the
#             UAPI in one operation: seconds until the reply, and the RSS afterwards
#   helper    bin/wgdesk helper in a namespace, one tunnel imported and brought up with the CLI
#             towards a waiting wireguard-go (PersistentKeepalive, so it handshakes at once):
#             the helper's RSS after $IDLE s, and the time from the helper receiving "up" to the
#             first handshake, as the helper logs it (so the CLI's JVM start is not counted)
#   lookup    JMH (engine/bench.sh RoutingBenchmark, with JMH=1): ns per packet for routing
#             (longest-prefix match) and the receive-side index lookup and source check, at
#             10, 1000 and 10,000 peers
#   NMT       with NMT=1 the Java end A runs with -XX:NativeMemoryTracking=summary and its
#             breakdown (jcmd VM.native_memory summary) is printed at idle and after the load
#
# Not a test: exits 0 unless the set-up fails. Needs root, iproute2, wg, wireguard-go, iperf3,
# python3; run after ./mvnw -B -DskipTests package. Wrap it in
# `flock /tmp/wgdesk-root-tests.lock` when other root tests may run.
#
# Environment: ENGINE (default app/target/dist/bin/wgdesk-engine), NATIVE (the native engine's
# launcher, default app/target/native/bin/wgdesk-engine when built; none: left out), WGDESK_ENGINE_OPTS, STARTS (5),
# RATE (300M), LOAD (8), IDLE (5), DURATION (5), ROUNDS (3), WARMUP (8), NMT (0), PEERS (10000),
# JMH (1), JAVA_HOME.
set -uo pipefail
umask 077
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ENGINE=${ENGINE:-$ROOT/app/target/dist/bin/wgdesk-engine}
NATIVE=${NATIVE:-$ROOT/app/target/native/bin/wgdesk-engine}
[ "$NATIVE" != none ] && [ -x "$NATIVE" ] || NATIVE=
WG_GO=$(command -v wireguard-go || true)
STARTS=${STARTS:-5} RATE=${RATE:-300M} LOAD=${LOAD:-8} IDLE=${IDLE:-5}
DURATION=${DURATION:-5} ROUNDS=${ROUNDS:-3} WARMUP=${WARMUP:-8} NMT=${NMT:-0} PEERS=${PEERS:-10000} JMH=${JMH:-1}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
T=wgf$$x
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

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print a[(NR + 1) / 2]; else printf "%.1f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0 && a != "n/a") printf "%.2f", a / b; else print "n/a" }'; }
ms_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", (b - a) * 1000 }'; }
rss() { awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null; }
# "FILE / ANON" MiB of a process (RssFile, RssAnon)
rss_split() { awk '/RssFile/ { f = $2 } /RssAnon/ { a = $2 } END { if (f != "") printf "%.1f / %.1f", f / 1024, a / 1024; else print "n/a" }' "/proc/$1/status" 2>/dev/null; }
hwm() { awk '/VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
wait_sock() { local i; for i in $(seq 300); do [ -S /var/run/wireguard/$1.sock ] && wg show "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }
engine_pid() { ip netns pids "$1" | while read -r p; do case $(readlink "/proc/$p/exe") in */java|*/wireguard-go|*/wgdesk-engine-native) echo "$p"; break ;; esac; done; }
# Stops the engines in namespace $1, not the engine's AOT cache creation started there.
ns_engines() { local p; for p in $(ip netns pids "$1"); do tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q AOTMode=create || echo "$p"; done; }
stop_ns_engines() { local p; for p in $(ns_engines "$1"); do kill "$p" 2>/dev/null; done
  for p in $(seq 50); do [ -z "$(ns_engines "$1")" ] && return; sleep 0.1; done; }

echo "wgdesk footprint benchmark: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "engine: $ENGINE; JVM options added: ${WGDESK_ENGINE_OPTS:-(none)}"
echo "native engine: ${NATIVE:-(not built: app/target/native/bin/wgdesk-engine; ./mvnw -B -Pnative -DskipTests package)}"
[ -n "$NATIVE" ] && echo "  $("$NATIVE" --version 2>&1 | sed -n 3p)"
# IMPLS: the engines measured, in the order of each alternated step (nat: the native engine).
IMPLS="java go"
[ -n "$NATIVE" ] && IMPLS="java nat go"
engine_of() { if [ "$1" = nat ]; then echo "$NATIVE"; else echo "$ENGINE"; fi; }

# ---- cold start, daemon mode
S=${T}s
ip netns add "$S" && NSES+=("$S")
start_once() { # IMPL N -> ms until return (or "fail")
  local impl=$1 ifc=${T}$2 t0 rc
  t0=$EPOCHREALTIME
  if [ "$impl" = go ]; then ip netns exec "$S" env -u LOG_LEVEL "$WG_GO" "$ifc" >/dev/null 2>&1; rc=$?
  else ip netns exec "$S" env -u LOG_LEVEL "$(engine_of "$impl")" "$ifc" >/dev/null 2>&1; rc=$?; fi
  local ms; ms=$(ms_since "$t0")
  if [ $rc = 0 ] && [ -S "/var/run/wireguard/$ifc.sock" ] && ip -n "$S" link show "$ifc" >/dev/null 2>&1; then echo "$ms"; else echo fail; fi
  stop_ns_engines "$S"
}
# The Java engine's AOT cache: record (first start, written at exit), create (second start, in
# the background; waited for here), as after installation.
start_once java p1 >/dev/null; start_once java p2 >/dev/null
for i in $(seq 120); do
  ls /var/cache/wgdesk/engine-*.aot >/dev/null 2>&1 && ! pgrep -f 'AOTMode=create' >/dev/null && break
  sleep 1
done
ST_java= ST_nat= ST_go=
for i in $(seq "$STARTS"); do
  for impl in $IMPLS; do eval "ST_$impl=\"\$ST_$impl \$(start_once $impl ${impl:0:1}$i)\""; done
done
echo "start runs (ms): wgdesk-engine:$ST_java; native:${ST_nat:- -}; wireguard-go:$ST_go"
MED_ST_java=$(echo "$ST_java" | median); MED_ST_go=$(echo "$ST_go" | median); MED_ST_nat=$(echo "$ST_nat" | median)

# ---- topologies (as bench/throughput.sh)
start() { # IMPL NS IFACE [JVM options]
  local impl=$1 ns=$2 ifc=$3 opts=${4:-}
  if [ "$impl" = go ]; then
    ip netns exec "$ns" env LOG_LEVEL=error WG_PROCESS_FOREGROUND=1 "$WG_GO" -f "$ifc" >"$WORK/$ifc.log" 2>&1 &
  elif [ "$impl" = nat ]; then
    ip netns exec "$ns" env LOG_LEVEL=error "$NATIVE" -f "$ifc" >"$WORK/$ifc.log" 2>&1 &
  else
    ip netns exec "$ns" env LOG_LEVEL=error WGDESK_ENGINE_OPTS="${WGDESK_ENGINE_OPTS:-} $opts" "$ENGINE" -f "$ifc" >"$WORK/$ifc.log" 2>&1 &
  fi
  PIDS+=($!)
  wait_sock "$ifc" || { echo "$impl engine $ifc did not start"; cat "$WORK/$ifc.log"; exit 1; }
  eval "PID_$ifc=\$(engine_pid $ns)"
}
topo() { # NAME N IMPL_A IMPL_B [JVM options for A]
  local name=$1 n=$2 ia=$3 ib=$4 opts=${5:-}
  local na=$T${name}a nb=$T${name}b wa=$T${n}a wb=$T${n}b
  ip netns add "$na" && NSES+=("$na"); ip netns add "$nb" && NSES+=("$nb")
  ip -n "$na" link set lo up; ip -n "$nb" link set lo up
  ip link add "$T${n}va" netns "$na" type veth peer name "$T${n}vb" netns "$nb"
  ip -n "$na" addr add 192.168.8$n.1/24 dev "$T${n}va"; ip -n "$na" link set "$T${n}va" up
  ip -n "$nb" addr add 192.168.8$n.2/24 dev "$T${n}vb"; ip -n "$nb" link set "$T${n}vb" up
  start "$ia" "$na" "$wa" "$opts"
  start "$ib" "$nb" "$wb"
  wg genkey > "$WORK/$wa.key"; wg genkey > "$WORK/$wb.key"
  wg set "$wa" private-key "$WORK/$wa.key" listen-port 51820 peer "$(wg pubkey < "$WORK/$wb.key")" \
    allowed-ips 10.8$n.0.2/32 endpoint 192.168.8$n.2:51820
  wg set "$wb" private-key "$WORK/$wb.key" listen-port 51820 peer "$(wg pubkey < "$WORK/$wa.key")" \
    allowed-ips 10.8$n.0.1/32 endpoint 192.168.8$n.1:51820
  ip -n "$na" addr add 10.8$n.0.1/24 dev "$wa"; ip -n "$na" link set "$wa" up mtu 1420
  ip -n "$nb" addr add 10.8$n.0.2/24 dev "$wb"; ip -n "$nb" link set "$wb" up mtu 1420
  ip netns exec "$na" iperf3 -s -B 10.8$n.0.1 >/dev/null 2>&1 &
  PIDS+=($!)
  ip netns exec "$nb" iperf3 -s -B 10.8$n.0.2 >/dev/null 2>&1 &
  PIDS+=($!)
  local i; for i in $(seq 20); do ip netns exec "$na" ping -c 1 -W 1 10.8$n.0.2 >/dev/null 2>&1 && break; done
  eval "NS_A_$name=$na; NS_B_$name=$nb; N_$name=$n; PA_$name=\$PID_$wa; PB_$name=\$PID_$wb"
}
iperf() { # NAME [iperf3 options] -> Mbit/s received, A sends to B (-R: B sends to A)
  local name=$1; shift; local na n; eval "na=\$NS_A_$name; n=\$N_$name"
  ip netns exec "$na" timeout $((DURATION + LOAD + 30)) iperf3 -c 10.8$n.0.2 -O 1 -J "$@" 2>/dev/null |
    python3 -c "import json,sys
try: print('%.0f' % (json.load(sys.stdin)['end']['sum_received']['bits_per_second'] / 1e6))
except Exception: print('0')"
}

# NMT's report crashes JDK 25.0.3 in an AOT recording run (FileMapInfo::readonly_total): with
# NMT=1 the engines run without the AOT cache (WGDESK_AOT=0), so their RSS is a few MiB higher.
nmt_opts=
[ "$NMT" = 1 ] && nmt_opts="-XX:NativeMemoryTracking=summary" && export WGDESK_AOT=0
topo java 1 java java "$nmt_opts"
topo go 2 go go
topo mixed 3 java go
if [ -n "$NATIVE" ]; then topo nat 4 nat nat; topo nmixed 5 nat go; fi
sleep "$IDLE"
IDLE_nat= SPLIT_nat= PEAK_nat= PEAKB_nat= CPU_nat= WCPU_nat= LOAD_MB_nat=- WLOAD_MB_nat=- MED_TP_nat= MED_TP_natgo= MED_TP_gonat= SCALE_T_nat= SCALE_RSS_nat=
for impl in $IMPLS; do
  eval "IDLE_$impl=\$(rss \$PA_$impl) SPLIT_$impl=\$(rss_split \$PA_$impl)"
done

# ---- the floor: an empty JVM with the engine's JVM options (from the idle engine's command line,
# up to its class path; its AOT cache, made for the engine's classes, is left out)
floor() {
  local pid=$1 arg skip= fpid
  local -a opts=()
  [ "$(readlink "/proc/$pid/exe")" = "$JAVA_HOME/bin/java" ] || [ "$(basename "$(readlink "/proc/$pid/exe")")" = java ] || return 0
  while IFS= read -r -d '' arg; do
    [ -z "$skip" ] && { skip=1; continue; } # argv[0]
    case $arg in
      -cp|-classpath|--class-path|-jar) break ;;
      -XX:AOTCache=*|-XX:AOTMode=*|-XX:AOTConfiguration=*|-Xshare:*|-Xlog:aot*) ;;
      *) opts+=("$arg") ;;
    esac
  done <"/proc/$pid/cmdline"
  mkdir -p "$WORK/floor"
  printf 'public class Idle { public static void main(String[] a) throws Exception { Thread.sleep(600_000); } }\n' >"$WORK/floor/Idle.java"
  "$JAVA_HOME/bin/javac" -d "$WORK/floor" "$WORK/floor/Idle.java" 2>/dev/null || return 0
  MALLOC_ARENA_MAX=$(tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | sed -n 's/^MALLOC_ARENA_MAX=//p' | head -n 1) \
    "$(readlink "/proc/$pid/exe")" "${opts[@]}" -Xshare:auto -cp "$WORK/floor" Idle &
  fpid=$!
  sleep "$IDLE"
  FLOOR=$(rss "$fpid") FLOOR_SPLIT=$(rss_split "$fpid")
  kill "$fpid" 2>/dev/null; wait "$fpid" 2>/dev/null
}
FLOOR= FLOOR_SPLIT=
floor "$PA_java"
nmt() { [ "$NMT" = 1 ] && { echo "--- NMT of the Java end A ($1)"; "$JAVA_HOME/bin/jcmd" "$PA_java" VM.native_memory summary 2>&1 |
  grep -E '^(Total|-|  *\(mmap|  *\(malloc|  *\(classes|  *\(threads|  *\(stack)' | sed 's/^/    /'; }; }
nmt "idle, one peer"

# ---- peak RSS and CPU per GB at a fixed rate
load() { # NAME -> "MBITS CPU_S_PER_GB" with A sending at $RATE for $LOAD s
  local name=$1 pa pb c0 c1 mbps
  eval "pa=\$PA_$name; pb=\$PB_$name"
  c0=$(( $(cpu_ticks "$pa") + $(cpu_ticks "$pb") ))
  mbps=$(DURATION=$LOAD iperf "$name" -t "$LOAD" -b "$RATE")
  c1=$(( $(cpu_ticks "$pa") + $(cpu_ticks "$pb") ))
  awk -v m="$mbps" -v c=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" -v t="$LOAD" \
    'BEGIN { gb = m * t / 8 / 1000; if (gb > 0) printf "%s %.2f", m, c / hz / gb; else printf "%s n/a", m }'
}
# First $LOAD s after start (the Java end still compiles its data path: C2 takes 1.3-2.4 s of CPU
# here), then the same again, warm (what a tunnel that stays up costs).
for impl in $IMPLS; do read -r "LOAD_MB_$impl" "CPU_$impl" <<<"$(load $impl)"; done
for impl in $IMPLS; do read -r "WLOAD_MB_$impl" "WCPU_$impl" <<<"$(load $impl)"; done
for impl in $IMPLS; do eval "PEAK_$impl=\$(hwm \$PA_$impl) PEAKB_$impl=\$(hwm \$PB_$impl)"; done
nmt "after $LOAD s at $RATE"
[ "$NMT" = 1 ] && "$JAVA_HOME/bin/jcmd" "$PA_java" GC.class_histogram 2>/dev/null | sed -n '1,8p' | sed 's/^/    /'
[ "$NMT" = 1 ] && echo "    threads: $(ls /proc/$PA_java/task | wc -l)"

# ---- throughput, unlimited
TOPOS="java go mixed" PAIRS="java:java go:go mixed:javago mixed-R:gojava" KEYS="java go javago gojava"
if [ -n "$NATIVE" ]; then
  TOPOS="java nat go mixed nmixed" PAIRS="java:java nat:nat go:go mixed:javago nmixed:natgo mixed-R:gojava nmixed-R:gonat"
  KEYS="java nat go javago natgo gojava gonat"
fi
for name in $TOPOS; do DURATION=$WARMUP iperf "$name" -t "$WARMUP" >/dev/null; done
for r in $(seq "$ROUNDS"); do
  for p in $PAIRS; do
    name=${p%%:*} key=${p#*:}
    case $name in *-R) mb=$(iperf "${name%-R}" -t "$DURATION" -R) ;; *) mb=$(iperf "$name" -t "$DURATION") ;; esac
    eval "TP_$key=\"\${TP_$key:-} $mb\""
  done
done
for k in $KEYS; do eval "MED_TP_$k=\$(echo \"\$TP_$k\" | median)"; done

# ---- scale: 10,000 peers set through the UAPI in one operation (bench/uapi-peers.py)
scale() { # IMPL: sets SCALE_T_IMPL (s) and SCALE_RSS_IMPL (MiB)
  local impl=$1 ns=${T}k$1 ifc=${T}k$1 secs pid
  ip netns add "$ns" && NSES+=("$ns")
  start "$impl" "$ns" "$ifc"
  wg genkey > "$WORK/$ifc.key"
  ip netns exec "$ns" wg set "$ifc" private-key "$WORK/$ifc.key"
  secs=$(python3 "$ROOT/bench/uapi-peers.py" "/var/run/wireguard/$ifc.sock" "$PEERS") || secs=fail
  eval "pid=\$PID_$ifc"
  eval "SCALE_T_$impl=\$secs SCALE_RSS_$impl=\$(rss \$pid)"
  stop_ns_engines "$ns"
  eval "PID_$ifc=" # stopped on purpose
}
for impl in $IMPLS; do scale "$impl"; done

# ---- the helper: RSS with one active tunnel, and activation time (the helper logs how long
# after it received "up" the first handshake completed; the peer is a waiting wireguard-go,
# the tunnel has PersistentKeepalive so it handshakes at once)
HELPER_RSS= ACT_MS=
WGDESK=$(dirname "$ENGINE")/wgdesk
if [ -x "$WGDESK" ]; then
  HN=${T}h HG=${T}g TUN=${T}t
  ip netns add "$HN" && NSES+=("$HN"); ip netns add "$HG" && NSES+=("$HG")
  ip -n "$HN" link set lo up; ip -n "$HG" link set lo up
  ip link add "${T}hva" netns "$HN" type veth peer name "${T}hvb" netns "$HG"
  ip -n "$HN" addr add 192.168.79.1/24 dev "${T}hva"; ip -n "$HN" link set "${T}hva" up
  ip -n "$HG" addr add 192.168.79.2/24 dev "${T}hvb"; ip -n "$HG" link set "${T}hvb" up
  start go "$HG" "${T}hg"
  wg genkey > "$WORK/hg.key"; wg genkey > "$WORK/ht.key"
  wg set "${T}hg" private-key "$WORK/hg.key" listen-port 51820 peer "$(wg pubkey < "$WORK/ht.key")" allowed-ips 10.79.0.1/32
  ip -n "$HG" addr add 10.79.0.2/24 dev "${T}hg"; ip -n "$HG" link set "${T}hg" up
  printf '[Interface]\nPrivateKey = %s\nAddress = 10.79.0.1/24\n\n[Peer]\nPublicKey = %s\nAllowedIPs = 10.79.0.2/32\nEndpoint = 192.168.79.2:51820\nPersistentKeepalive = 25\n' \
    "$(cat "$WORK/ht.key")" "$(wg pubkey < "$WORK/hg.key")" > "$WORK/$TUN.conf"
  # One helper: start, import, up, (measure), stop with SIGTERM (an AOT record is written at exit).
  helper_once() { # MEASURE(0|1)
    local hpid i
    rm -rf "$WORK/hstate" "$WORK/helper.sock"; mkdir -p "$WORK/hstate"
    ip netns exec "$HN" "$WGDESK" helper --socket "$WORK/helper.sock" --state-dir "$WORK/hstate" >"$WORK/helper.out" 2>&1 &
    for i in $(seq 200); do [ -S "$WORK/helper.sock" ] && break; sleep 0.1; done
    hpid=$(ip netns pids "$HN" | while read -r p; do tr '\0' ' ' <"/proc/$p/cmdline" | grep -q ' helper ' && echo "$p" && break; done)
    if ip netns exec "$HN" "$WGDESK" --socket "$WORK/helper.sock" import "$WORK/$TUN.conf" >"$WORK/cli.out" 2>&1 &&
       ip netns exec "$HN" "$WGDESK" --socket "$WORK/helper.sock" up "$TUN" >>"$WORK/cli.out" 2>&1; then
      for i in $(seq 100); do grep -q 'First handshake' "$WORK/helper.out" && break; sleep 0.1; done
      if [ "$1" = 1 ]; then
        ACT_MS=$(sed -n 's/.*First handshake \([0-9.]*\) ms after.*/\1/p' "$WORK/helper.out" | head -n 1)
        ip netns exec "$HN" ping -c 3 -i 0.2 -W 1 10.79.0.2 >/dev/null 2>&1 || echo "helper tunnel: no ping through it"
        sleep "$IDLE"
        HELPER_RSS=$(rss "$hpid")
      fi
      ip netns exec "$HN" "$WGDESK" --socket "$WORK/helper.sock" down "$TUN" >>"$WORK/cli.out" 2>&1
    else
      echo "helper tunnel did not come up:"; tail -n 20 "$WORK/cli.out" "$WORK/helper.out"
    fi
    [ -n "$hpid" ] && kill "$hpid" 2>/dev/null
    for i in $(seq 100); do [ -n "$hpid" ] && kill -0 "$hpid" 2>/dev/null || break; sleep 0.1; done
  }
  # The helper's AOT cache as after installation (bin/wgdesk: the first run records, the next
  # start creates it in the background, later starts use it); without this the figure depends on
  # what an earlier run left in /var/cache/wgdesk.
  if [ "${WGDESK_AOT:-1}" != 0 ]; then
    helper_once 0; helper_once 0
    for i in $(seq 120); do pgrep -f 'AOTMode=create' >/dev/null || break; sleep 1; done
  fi
  helper_once 1
else
  echo "$WGDESK is missing: no helper figures"
fi

# ---- per-packet routing and index lookup against the number of peers (JMH, engine/bench.sh)
JMH_OUT=
if [ "$JMH" = 1 ]; then
  "$ROOT/engine/bench.sh" -f 1 -wi 3 -w 1s -i 5 -r 1s RoutingBenchmark >"$WORK/jmh.out" 2>&1 || { echo "JMH failed:"; tail -n 20 "$WORK/jmh.out"; }
  jmh() { awk -v b="RoutingBenchmark.$1" '$1 == b { v = v (v == "" ? "" : " / ") $5 } END { print (v == "" ? "n/a" : v) }' "$WORK/jmh.out"; }
  JMH_OUT=1
fi

for f in "$WORK"/*.log; do # an engine that died: show why
  ifc=$(basename "$f" .log); eval "p=\${PID_$ifc:-}"
  [ -n "$p" ] && ! kill -0 "$p" 2>/dev/null && { echo "engine $ifc (pid $p) died:"; tail -n 20 "$f"; }
done
echo
# One row: LABEL HOTSPOT NATIVE GO TARGET [RATIOS=1]: the two engines' figures beside
# wireguard-go's, and each engine's ratio to wireguard-go.
row() {
  local r1=- r2=-
  if [ "${6:-1}" = 1 ]; then r1=$(ratio "$2" "$4"); [ -n "$NATIVE" ] && r2=$(ratio "$3" "$4"); fi
  printf '%-50s %11s %11s %11s %7s %7s   %s\n' "$1" "${2:-n/a}" "$([ -n "$NATIVE" ] && echo "${3:-n/a}" || echo -)" "${4:-n/a}" "$r1" "$r2" "$5"
}
printf '%-50s %11s %11s %11s %7s %7s   %s\n' "figure (issue 13)" HotSpot native wireguard-go HS/go nat/go target
row "cold start, daemon mode, median of $STARTS (ms)" "$MED_ST_java" "$MED_ST_nat" "$MED_ST_go" "<= 300 ms"
row "RSS idle, one peer (MiB)" "$IDLE_java" "$IDLE_nat" "$IDLE_go" "<= 40 MiB"
row "  of which file-backed / anonymous (MiB)" "$SPLIT_java" "$SPLIT_nat" "$SPLIT_go" "-" 0
row "  floor: empty JVM, the engine's options (MiB)" "${FLOOR:-n/a}" "-" "-" "(JVM alone)" 0
row "    of which file-backed / anonymous (MiB)" "${FLOOR_SPLIT:-n/a}" "-" "-" "-" 0
row "peak RSS at $RATE TCP ${LOAD}s, sender (MiB)" "$PEAK_java" "$PEAK_nat" "$PEAK_go" "<= 64 MiB"
row "peak RSS at $RATE TCP ${LOAD}s, receiver (MiB)" "$PEAKB_java" "$PEAKB_nat" "$PEAKB_go" "<= 64 MiB"
row "CPU s per GB at $RATE, both ends, first ${LOAD}s" "$CPU_java" "$CPU_nat" "$CPU_go" "<= 0.7x"
row "CPU s per GB at $RATE, both ends, next ${LOAD}s" "$WCPU_java" "$WCPU_nat" "$WCPU_go" "<= 0.7x"
row "throughput Java<->Java vs Go<->Go (Mbit/s)" "$MED_TP_java" "$MED_TP_nat" "$MED_TP_go" ">= 2.0x"
row "throughput Java->Go vs Go<->Go (Mbit/s)" "$MED_TP_javago" "$MED_TP_natgo" "$MED_TP_go" ">= 1.0x"
row "throughput Go->Java vs Go<->Go (Mbit/s)" "$MED_TP_gojava" "$MED_TP_gonat" "$MED_TP_go" ">= 1.0x"
echo "(the $RATE runs carried $LOAD_MB_java, $LOAD_MB_nat and $LOAD_MB_go Mbit/s (HotSpot, native, wireguard-go), then $WLOAD_MB_java, $WLOAD_MB_nat and $WLOAD_MB_go)"
echo "ping RTT ratio:                                     see bench/throughput.sh"
row "$PEERS peers set through the UAPI (s)" "$SCALE_T_java" "$SCALE_T_nat" "$SCALE_T_go" "<= 2 s"
row "RSS with $PEERS peers (MiB)" "$SCALE_RSS_java" "$SCALE_RSS_nat" "$SCALE_RSS_go" "<= 200 MiB"
echo "(the helper runs on the JVM in either package: its figures below are the HotSpot helper's)"
row "helper RSS, one active tunnel (MiB)" "${HELPER_RSS:-n/a}" "-" "-" "<= 80 MiB" 0
row "activation: helper 'up' to first handshake (ms)" "${ACT_MS:-n/a}" "-" "-" "<= 50 ms" 0
if [ -n "$JMH_OUT" ]; then
  echo "per packet, ns (JMH), at 10 / 1000 / 10000 peers:     (flat is the target)"
  printf '    %-46s %s\n' "route, IPv4 destination (send)" "$(jmh sendRoute)"
  printf '    %-46s %s\n' "route, IPv6 destination (send)" "$(jmh sendRouteV6)"
  printf '    %-46s %s\n' "index lookup + source check (receive)" "$(jmh receiveLookup)"
else
  echo "per-packet routing and lookup (JMH):                 skipped (JMH=0)"
fi
