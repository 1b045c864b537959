#!/usr/bin/env bash
# bench/native-check.sh: correctness evidence for the experimental native engine
# (app/src/native/build-native.sh, docs/native-image.md). CI runs the same scenarios through
# NetnsScenariosIT with -Pnative; this script is the by-hand version, plus the 10,000-peer step.
#   1. the engine-level network-namespace scenarios of app/src/test/netns (the ones
#      NetnsScenariosIT runs that start only wgdesk-engine, wireguard-go and wg-quick; the helper
#      scenarios diagnosis/moved-server/dns-failed run bin/wgdesk, which stays on the JVM), with
#      WGDESK_ENGINE= the native launcher, as NetnsScenariosIT passes it (the IT itself takes
#      -Dwgdesk.engine=target/native/bin/wgdesk-engine for the same). Prints each script's exit code and check count.
#   2. bench/footprint.sh's "scale" step alone: $PEERS peers set through the UAPI in one
#      operation (bench/uapi-peers.py), native and HotSpot alternated, $ROUNDS rounds: seconds
#      until the reply, RSS afterwards, and how many peers `wg show` then lists.
# Needs root, iproute2, wg, wg-quick, wireguard-go, iperf3, python3; both engines built
# (./mvnw -B -DskipTests -Pnative package). Wrap it in
# `flock /tmp/wgdesk-root-tests.lock`. Environment: NATIVE (app/target/native/bin/wgdesk-engine),
# HOTSPOT (app/target/dist/bin/wgdesk-engine), SCENARIOS (1), PEERS (10000), ROUNDS (3).
set -uo pipefail
umask 077
ROOT=$(cd "$(dirname "$0")/.." && pwd)
NATIVE=${NATIVE:-$ROOT/app/target/native/bin/wgdesk-engine}
HOTSPOT=${HOTSPOT:-$ROOT/app/target/dist/bin/wgdesk-engine}
SCENARIOS=${SCENARIOS:-1} PEERS=${PEERS:-10000} ROUNDS=${ROUNDS:-3}
[ "$(id -u)" = 0 ] || { echo "needs root"; exit 1; }
[ -x "$NATIVE" ] || { echo "$NATIVE is missing: run ./mvnw -B -DskipTests -Pnative package"; exit 1; }
[ -x "$HOTSPOT" ] || { echo "$HOTSPOT is missing: run ./mvnw -B -DskipTests package"; exit 1; }
LOGS=$(mktemp -d /tmp/wgdesk-native-check.XXXXXX)
echo "logs: $LOGS"

if [ "$SCENARIOS" = 1 ]; then
  for s in "lifecycle.sh" "interop.sh java go" "interop.sh java java" "bad-input.sh" "wg-quick.sh" "jumbo.sh" "hub.sh"; do
    l=$LOGS/$(echo "$s" | tr ' ' '-').log t0=$(date +%s)
    # shellcheck disable=SC2086 # the scenario's arguments
    (cd "$ROOT/app/src/test/netns" && WGDESK_ENGINE=$NATIVE timeout 300 bash $s </dev/null >"$l" 2>&1)
    echo "$s: exit $? in $(( $(date +%s) - t0 )) s, $(tail -n 1 "$l")"
    grep '^FAIL' "$l"
  done
fi

scale() { # ENGINE LABEL
  local engine=$1 label=$2 n=wgnc$$x$3 pid secs peers i p
  ip netns add "$n" || return 1
  ip netns exec "$n" env LOG_LEVEL=error "$engine" -f "$n" >"$LOGS/$n.log" 2>&1 &
  for i in $(seq 300); do [ -S "/var/run/wireguard/$n.sock" ] && wg show "$n" >/dev/null 2>&1 && break; sleep 0.1; done
  pid=$(ip netns pids "$n" | while read -r p; do case $(readlink "/proc/$p/exe") in */java|*/wgdesk-engine-native) echo "$p"; break ;; esac; done)
  wg genkey >"$LOGS/$n.key" && ip netns exec "$n" wg set "$n" private-key "$LOGS/$n.key"
  secs=$(python3 "$ROOT/bench/uapi-peers.py" "/var/run/wireguard/$n.sock" "$PEERS") || secs=fail
  peers=$(wg show "$n" peers | wc -l)
  echo "$label: $PEERS peers in $secs s, RSS $(awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status" 2>/dev/null) MiB, wg show lists $peers, executable $(readlink "/proc/$pid/exe")"
  for p in $(ip netns pids "$n"); do kill "$p"; done
  for i in $(seq 50); do [ -z "$(ip netns pids "$n")" ] && break; sleep 0.1; done
  for p in $(ip netns pids "$n"); do kill -9 "$p"; done
  ip netns del "$n"; rm -f "/var/run/wireguard/$n.sock" "$LOGS/$n.key"
}
for r in $(seq "$ROUNDS"); do # alternated: native first in odd rounds
  if [ $((r % 2)) = 1 ]; then scale "$NATIVE" native "n$r"; scale "$HOTSPOT" hotspot "h$r"
  else scale "$HOTSPOT" hotspot "h$r"; scale "$NATIVE" native "n$r"; fi
done
