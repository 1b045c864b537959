#!/usr/bin/env bash
# bench/activation.sh: issue 13 item 5, the time from the helper receiving "up" to the first
# handshake completing with a waiting wireguard-go peer, as the helper logs it ("First handshake
# N ms after the activation was requested"; both times taken inside the helper, so the CLI's own
# JVM start is not counted). $RUNS helpers are started one after the other, each in a fresh
# namespace; each brings the tunnel up, down and up again: the first figure is the first
# activation of a freshly started helper (cold JVM), the second one the activation after it.
# Prints every run and the medians.
#
#   WGDESK_AOT=0 bench/activation.sh    the helper without its AOT cache (bin/wgdesk)
#   HELPER=installers/target/image/wgdesk/bin/wgdesk-helper WGDESK=installers/target/image/wgdesk/bin/wgdesk \
#     bench/activation.sh                the packaged helper (its launcher, build-time AOT cache)
#
# The helper's AOT cache (bin/wgdesk, like the engine's) is prepared first unless WGDESK_AOT=0:
# one helper run records (written when it exits), the next start creates the cache in the
# background (waited for here), as a second start after installation would find it.
#
# Not a test: exits 0 unless the set-up fails. Needs root, iproute2, wg, wireguard-go; run after
# ./mvnw -B -DskipTests package. Wrap it in `flock /tmp/wgdesk-root-tests.lock` when other root
# tests may run. Environment: WGDESK (default app/target/dist/bin/wgdesk; the CLI, and the
# helper unless HELPER is set), HELPER (a launcher run as HELPER helper ...; a jpackage image's
# bin/wgdesk-helper has its AOT cache built in, so no cache is prepared for it), RUNS (5), KEEP=1
# prints each helper's log, RSS=1 prints each helper's RSS (MiB) after its first activation.
set -uo pipefail
umask 077
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WGDESK=${WGDESK:-$ROOT/app/target/dist/bin/wgdesk}
HELPER=${HELPER:-$WGDESK}
WG_GO=$(command -v wireguard-go || true)
RUNS=${RUNS:-5} KEEP=${KEEP:-0} RSS=${RSS:-0}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
T=wga$$x
WORK=$(mktemp -d "/tmp/$T.XXXXXX")
NSES=()

[ "$(id -u)" = 0 ] || { echo "needs root"; exit 1; }
for t in ip wg; do command -v $t >/dev/null || { echo "$t is not installed"; exit 1; }; done
[ -n "$WG_GO" ] || { echo "wireguard-go is not installed"; exit 1; }
[ -x "$WGDESK" ] || { echo "$WGDESK is missing: run ./mvnw -B -DskipTests package"; exit 1; }
[ -x "$HELPER" ] || { echo "$HELPER is missing"; exit 1; }

cleanup() {
  local pid ns
  trap - EXIT
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

median() { tr ' ' '\n' | grep -v '^$' | grep -v fail | sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print a[(NR + 1) / 2]; else printf "%.1f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# The peer: a waiting wireguard-go in namespace G, reached over a veth from namespace H, where
# the helper runs.
HN=${T}h HG=${T}g
ip netns add "$HN" && NSES+=("$HN"); ip netns add "$HG" && NSES+=("$HG")
ip -n "$HN" link set lo up; ip -n "$HG" link set lo up
ip link add "${T}a" netns "$HN" type veth peer name "${T}b" netns "$HG"
ip -n "$HN" addr add 192.168.78.1/24 dev "${T}a"; ip -n "$HN" link set "${T}a" up
ip -n "$HG" addr add 192.168.78.2/24 dev "${T}b"; ip -n "$HG" link set "${T}b" up
ip netns exec "$HG" env LOG_LEVEL=error WG_PROCESS_FOREGROUND=1 "$WG_GO" -f "${T}g" >"$WORK/go.log" 2>&1 &
for i in $(seq 100); do [ -S "/var/run/wireguard/${T}g.sock" ] && break; sleep 0.1; done
wg genkey > "$WORK/g.key"; wg genkey > "$WORK/t.key"
ip netns exec "$HG" wg set "${T}g" private-key "$WORK/g.key" listen-port 51820 \
  peer "$(wg pubkey < "$WORK/t.key")" allowed-ips 10.78.0.1/32
ip -n "$HG" addr add 10.78.0.2/24 dev "${T}g"; ip -n "$HG" link set "${T}g" up
TUN=${T}t
printf '[Interface]\nPrivateKey = %s\nAddress = 10.78.0.1/24\n\n[Peer]\nPublicKey = %s\nAllowedIPs = 10.78.0.2/32\nEndpoint = 192.168.78.2:51820\nPersistentKeepalive = 25\n' \
  "$(cat "$WORK/t.key")" "$(wg pubkey < "$WORK/g.key")" > "$WORK/$TUN.conf"

cli() { ip netns exec "$HN" "$WGDESK" --socket "$WORK/helper.sock" "$@" >>"$WORK/cli.out" 2>&1; }
# Waits until the helper logged its Nth "First handshake" line; prints its figure.
nth_handshake() {
  local i
  for i in $(seq 100); do [ "$(grep -c 'First handshake' "$WORK/helper.out")" -ge "$1" ] && break; sleep 0.1; done
  sed -n 's/.*First handshake \([0-9.]*\) ms after.*/\1/p' "$WORK/helper.out" | sed -n "${1}p" | grep . || echo fail
}
# One helper: start, import, up, down, up, stop. Prints "FIRST SECOND".
helper_run() {
  rm -rf "$WORK/hstate" "$WORK/helper.sock"; mkdir -p "$WORK/hstate"; : >"$WORK/cli.out"
  ip netns exec "$HN" "$HELPER" helper --socket "$WORK/helper.sock" --state-dir "$WORK/hstate" >"$WORK/helper.out" 2>&1 &
  local hpid=$! first=fail second=fail rss=
  for i in $(seq 300); do [ -S "$WORK/helper.sock" ] && break; sleep 0.1; done
  if cli import "$WORK/$TUN.conf" && cli up "$TUN"; then
    first=$(nth_handshake 1)
    if [ "$RSS" = 1 ]; then
      sleep 2
      for p in $(ip netns pids "$HN"); do
        tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q ' helper ' && rss=$(awk '/VmRSS/ { printf " %.1f", $2 / 1024 }' "/proc/$p/status")
      done
    fi
    if cli down "$TUN" && cli up "$TUN"; then second=$(nth_handshake 2); fi
    cli down "$TUN"
  fi
  [ "$first" = fail ] && { echo "helper run failed:" >&2; tail -n 20 "$WORK/cli.out" "$WORK/helper.out" >&2; }
  [ "$KEEP" = 1 ] && cat "$WORK/helper.out" >&2
  # The helper's JVM is a child of "ip netns exec": stop the java process itself (SIGTERM, so an
  # AOT record is written at exit).
  for p in $(ip netns pids "$HN"); do tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q ' helper ' && kill "$p"; done
  wait "$hpid" 2>/dev/null
  echo "$first $second$rss"
}

echo "wgdesk activation benchmark: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), WGDESK_AOT=${WGDESK_AOT:-1}, helper $HELPER"
if [ "${WGDESK_AOT:-1}" != 0 ] && [ "$HELPER" = "$WGDESK" ]; then
  # record, then create (in the background, waited for)
  helper_run >/dev/null
  ip netns exec "$HN" "$HELPER" helper --socket "$WORK/helper.sock" --state-dir "$WORK/hstate" >/dev/null 2>&1 &
  hpid=$!
  sleep 2
  for p in $(ip netns pids "$HN"); do tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q ' helper ' && kill "$p"; done
  wait "$hpid"
  for i in $(seq 120); do
    ls /var/cache/wgdesk/helper-*.aot >/dev/null 2>&1 && ! pgrep -f 'AOTMode=create' >/dev/null && break
    sleep 1
  done
  ls /var/cache/wgdesk/helper-*.aot >/dev/null 2>&1 || echo "no helper AOT cache was created"
fi
FIRST= SECOND= RSSES=
for r in $(seq "$RUNS"); do
  read -r f s m < <(helper_run)
  echo "run $r: first activation $f ms, second $s ms${m:+, RSS $m MiB after the first}"
  FIRST="$FIRST $f" SECOND="$SECOND $s" RSSES="$RSSES ${m:-}"
done
printf 'activation, helper "up" to first handshake (ms), median of %s helper starts: first %s, second %s (aim <= 50)\n' \
  "$RUNS" "$(echo "$FIRST" | median)" "$(echo "$SECOND" | median)"
[ "$RSS" = 1 ] && echo "helper RSS 2 s after its first activation (MiB), median: $(echo "$RSSES" | median)"
