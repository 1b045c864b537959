# Shared helpers for the network-namespace scenarios; sourced by the scenario scripts.
# Every name created here starts with $T (unique per run); everything is removed on exit.
# shellcheck shell=bash
set -uo pipefail
umask 077
PATH=$PATH:/usr/sbin:/sbin

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ENGINE=${WGDESK_ENGINE:-$(cd "$HERE/../../.." && pwd)/target/dist/bin/wgdesk-engine}
WG_GO=${WIREGUARD_GO:-$(command -v wireguard-go || echo wireguard-go)}
NETTOOL="python3 $HERE/nettool.py"
SOCKDIR=/var/run/wireguard
T=${T:-wgd$$x}   # "x": no prefix of another run's names (wgd12x vs wgd123x)
WORK=$(mktemp -d "/tmp/$T.XXXXXX")
NSES=()
PIDS=()
FAILS=0
CHECKS=0

log() { echo "[$(date +%T)] $*"; }
pass() { CHECKS=$((CHECKS + 1)); echo "PASS: $*"; }
fail() { CHECKS=$((CHECKS + 1)); FAILS=$((FAILS + 1)); echo "FAIL: $*"; }
# check DESCRIPTION COMMAND...: runs COMMAND, records pass or fail.
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }
check_not() { local what=$1; shift; if "$@"; then fail "$what"; else pass "$what"; fi; }

require_root_tools() {
  [ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
  local t
  for t in ip wg ping python3 "$@"; do
    command -v "$t" >/dev/null || { echo "SKIP: $t is not installed"; exit 77; }
  done
  [ -x "$ENGINE" ] || { echo "SKIP: $ENGINE not built (run ./mvnw package)"; exit 77; }
}

cleanup() {
  local rc=$? pid ns i
  trap - EXIT
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for ns in "${NSES[@]}"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null; done
  done
  for i in $(seq 50); do
    local alive=0
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    for ns in "${NSES[@]}"; do [ -n "$(ip netns pids "$ns" 2>/dev/null)" ] && alive=1; done
    [ $alive = 0 ] && break
    sleep 0.1
  done
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null; done
  for ns in "${NSES[@]}"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
    ip netns del "$ns" 2>/dev/null
  done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  rm -f "$SOCKDIR/$T"*.sock
  rm -rf "$SOCKDIR/.$T"* 2>/dev/null
  rm -rf "$WORK"
  if [ "$rc" = 77 ]; then exit 77; fi
  echo "checks: $CHECKS, failures: $FAILS"
  if [ "$rc" != 0 ]; then exit "$rc"; fi
  [ "$FAILS" = 0 ] && [ "$CHECKS" -gt 0 ] || exit 1
  exit 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# nsx NS CMD...: runs CMD in network namespace NS.
nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# mkns NAME: a namespace with loopback up, no DAD delays.
mkns() {
  ip netns add "$1" || return 1
  NSES+=("$1")
  ip -n "$1" link set lo up
  nsx "$1" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 >/dev/null
}

# veth NS_A IF_A NS_B IF_B: a veth pair between two namespaces, both ends up.
veth() {
  ip link add "$2" netns "$1" type veth peer name "$4" netns "$3" || return 1
  ip -n "$1" link set "$2" up && ip -n "$3" link set "$4" up
}

# genkey NAME: writes $WORK/NAME.key and $WORK/NAME.pub.
genkey() { wg genkey > "$WORK/$1.key" && wg pubkey < "$WORK/$1.key" > "$WORK/$1.pub"; }
pub() { cat "$WORK/$1.pub"; }

# wait_for SECONDS COMMAND...: polls COMMAND every 0.1 s until it succeeds.
wait_for() {
  local secs=$1 i; shift
  for i in $(seq $((secs * 10))); do "$@" && return 0; sleep 0.1; done
  "$@"
}

uapi_up() { [ -S "$SOCKDIR/$1.sock" ] && wg show "$1" >/dev/null 2>&1; }

# start_engine IMPL NS IFACE: runs wgdesk-engine (IMPL=java) or wireguard-go (IMPL=go) in the
# foreground in NS, logging to $WORK/IFACE.log; waits until its UAPI socket answers.
start_engine() {
  local impl=$1 ns=$2 ifc=$3
  case $impl in
    java) ip netns exec "$ns" env LOG_LEVEL=verbose "$ENGINE" -f "$ifc" >"$WORK/$ifc.log" 2>&1 & ;;
    go) ip netns exec "$ns" env LOG_LEVEL=verbose WG_PROCESS_FOREGROUND=1 "$WG_GO" -f "$ifc" >"$WORK/$ifc.log" 2>&1 & ;;
    *) echo "unknown implementation $impl"; return 1 ;;
  esac
  PIDS+=($!)
  eval "PID_$ifc=$!"
  if ! wait_for 30 uapi_up "$ifc"; then
    echo "engine $impl $ifc did not start:"; cat "$WORK/$ifc.log"; return 1
  fi
  ip -n "$ns" link set "$ifc" up
}

# reach NS ADDR [PING OPTIONS]: the first ping may wait for a handshake; then 3 of 3 must answer.
reach() {
  local ns=$1 addr=$2 i; shift 2
  for i in $(seq 15); do
    nsx "$ns" ping -n -q -c 1 -W 1 "$@" "$addr" >/dev/null 2>&1 && break
  done
  nsx "$ns" ping -n -q -c 3 -i 0.2 -W 2 "$@" "$addr" 2>&1 | grep -q " 0% packet loss"
}

# unreachable NS ADDR: 3 pings, none answered.
unreachable() {
  local ns=$1 addr=$2; shift 2
  ! nsx "$ns" ping -n -q -c 3 -i 0.3 -W 1 "$@" "$addr" >/dev/null 2>&1
}

# transfer SRC_NS DST_NS DST_ADDR: sends 20 MiB of random data over TCP, compares SHA-256.
transfer() {
  local src=$1 dst=$2 addr=$3 port=$((20000 + RANDOM % 10000))
  local data="$WORK/data.bin" out="$WORK/sink.$port"
  [ -f "$data" ] || head -c $((20 * 1024 * 1024)) /dev/urandom > "$data"
  ip netns exec "$dst" timeout 90 $NETTOOL sink "$addr" "$port" "$out" &
  local sinkpid=$!
  PIDS+=($sinkpid)
  local t0=$(date +%s.%N)
  if ! nsx "$src" timeout 90 $NETTOOL send "$addr" "$port" "$data"; then
    echo "send failed"; return 1
  fi
  wait "$sinkpid"
  local t1=$(date +%s.%N)
  local want="$(sha256sum < "$data" | cut -d' ' -f1) $((20 * 1024 * 1024))"
  local got; got=$(cat "$out" 2>/dev/null)
  echo "transfer to $addr: $(echo "$t0 $t1" | awk '{printf "%.1f Mbit/s", 20*8.388608/($2-$1)}'), sink: $got"
  [ "$got" = "$want" ]
}

# dump_peer IFACE PUB: the peer's line of 'wg show IFACE dump' (tab separated).
dump_peer() { wg show "$1" dump | awk -F'\t' -v k="$2" 'NR > 1 && $1 == k'; }
field() { cut -f"$1"; }

show_logs() {
  local f
  for f in "$WORK"/*.log; do [ -f "$f" ] && { echo "--- $f (last 30 lines)"; tail -n 30 "$f"; }; done
}

# ---- the wgdesk helper with a tunnel to a server by host name (moved-server.sh, dns-failed.sh) ----
# The helper (target/dist 'wgdesk helper') runs in namespace $NC and resolves names through its
# own /etc/hosts: the file $WORK/hosts bind-mounted over /etc/hosts inside the mount namespace that
# 'ip netns exec' gives it (the host's /etc/hosts is never touched). wireguard-go $IS in namespace
# $NS is the server.

# write_hosts [ADDR]: $WORK/hosts with localhost, and $HOSTNAME_ at ADDR when given. Rewritten in
# place (same inode): a rename would leave the bind mount on the old file.
write_hosts() {
  printf '127.0.0.1 localhost\n::1 localhost\n' > "$WORK/hosts"
  [ $# = 0 ] || printf '%s %s\n' "$1" "$HOSTNAME_" >> "$WORK/hosts"
}

# resolves_in_helper_ns: whether $HOSTNAME_ resolves in $NC through $WORK/hosts, as the helper sees it.
resolves_in_helper_ns() {
  ip netns exec "$NC" sh -c 'mount --bind "$1" /etc/hosts && getent hosts "$2"' sh "$WORK/hosts" "$HOSTNAME_"
}

# wd ARGS...: the wgdesk CLI talking to this run's helper.
wd() { timeout 60 "$WGDESK" --socket "$SOCK" "$@"; }
helper_up() { [ -S "$SOCK" ] && wd list >/dev/null 2>&1; }

# helper_tunnel_setup SUBNET PORT HOSTNAME TUNNEL: namespaces $NC (192.168.SUBNET.1) and $NS
# (192.168.SUBNET.2) joined by a veth; wireguard-go $IS in $NS on PORT, 10.SUBNET.0.2, with the
# client as its peer; HOSTNAME at 192.168.SUBNET.2 in $WORK/hosts; the helper in $NC on $SOCK;
# the tunnel TUNNEL (10.SUBNET.0.1, endpoint HOSTNAME:PORT) imported, activated and working.
# Sets NC NS IS PORT HOSTNAME_ NAME SOCK WGDESK etc_hosts_before; skips (77) without the helper.
helper_tunnel_setup() {
  local net=$1
  PORT=$2 HOSTNAME_=$3 NAME=$4
  WGDESK=${WGDESK:-$(dirname "$ENGINE")/wgdesk}
  [ -x "$WGDESK" ] || { echo "SKIP: $WGDESK not built (run ./mvnw package)"; exit 77; }
  NC=${T}c NS=${T}s IS=${T}g
  SOCK="$WORK/helper.sock"
  etc_hosts_before=$(sha256sum /etc/hosts)

  mkns "$NC" && mkns "$NS" && veth "$NC" "${T}vc" "$NS" "${T}vs" || exit 1
  ip -n "$NC" addr add "192.168.$net.1/24" dev "${T}vc"
  ip -n "$NS" addr add "192.168.$net.2/24" dev "${T}vs"

  start_engine go "$NS" "$IS" || exit 1
  genkey client; genkey server
  ip -n "$NS" addr add "10.$net.0.2/24" dev "$IS"
  check "server: wg set" wg set "$IS" private-key "$WORK/server.key" listen-port "$PORT" \
    peer "$(pub client)" allowed-ips "10.$net.0.1/32"

  write_hosts "192.168.$net.2"
  mkdir -p "$WORK/state"
  ip netns exec "$NC" sh -c 'mount --bind "$1" /etc/hosts && shift && exec "$@"' sh "$WORK/hosts" \
    "$WGDESK" helper --socket "$SOCK" --state-dir "$WORK/state" --policy "$WORK/helper.conf" \
    >"$WORK/helper.log" 2>&1 &
  PIDS+=($!)
  if ! wait_for 60 helper_up; then echo "the helper did not start:"; cat "$WORK/helper.log"; exit 1; fi
  check "the helper resolves names through its own hosts file" resolves_in_helper_ns

  cat > "$WORK/$NAME.conf" <<CONF
[Interface]
PrivateKey = $(cat "$WORK/client.key")
Address = 10.$net.0.1/24

[Peer]
PublicKey = $(pub server)
Endpoint = $HOSTNAME_:$PORT
AllowedIPs = 10.$net.0.2/32
CONF
  check "import the tunnel" wd import "$WORK/$NAME.conf"
  check "activate it" wd up "$NAME"
  check "the tunnel works" reach "$NC" "10.$net.0.2"
}

# helper_final_checks: no private key in the helper's log, the host's /etc/hosts untouched, the
# tunnel deactivated.
helper_final_checks() {
  check "no private key in the helper's log" sh -c "! grep -qF '$(cat "$WORK/client.key")' '$WORK/helper.log'"
  check "the host's /etc/hosts is untouched" [ "$(sha256sum /etc/hosts)" = "$etc_hosts_before" ]
  check "deactivate" wd down "$NAME"
}
