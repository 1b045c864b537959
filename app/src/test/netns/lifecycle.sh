#!/usr/bin/env bash
# lifecycle.sh: wgdesk-engine as a wireguard-go replacement: command line, daemon mode, the UAPI
# socket's permissions, shutdown on SIGTERM/SIGINT, on 'ip link del' and on removal of the
# socket, start-up errors, LOG_LEVEL, and no keys in the verbose log.
. "$(dirname "$0")/lib.sh"
require_root_tools timeout stat
N=${T}n
mkns "$N" || exit 1

log "--- command line"
out=$("$ENGINE" --version 2>&1); rc=$?
check "--version exits 0 and names the program" [ $rc = 0 -a -n "$(echo "$out" | grep '^wgdesk-engine v')" ]
out=$("$ENGINE" --help 2>&1); rc=$?
check "--help exits 0 with usage" [ $rc = 0 -a -n "$(echo "$out" | grep '^Usage: wgdesk-engine')" ]
for args in "" "-f" "--foreground" "-x" "--bogus" "-f -f ${T}x" "${T}x extra" "-${T}x" \
            "waytoolongname16" "bad/name" "bad:name" ".." "-f --version"; do
  # shellcheck disable=SC2086
  out=$(nsx "$N" timeout 20 "$ENGINE" $args 2>&1); rc=$?
  check "usage error for [$args]: exit 1 with usage" [ $rc = 1 -a -n "$(echo "$out" | grep '^Usage:')" ]
done
check "an empty name is rejected" sh -c "! nsx() { :; }; ! timeout 20 '$ENGINE' '' >/dev/null 2>&1"
check "no interface was created by the rejected command lines" [ -z "$(ip -n "$N" -o link show | grep -v ': lo:')" ]

log "--- daemon mode"
I=${T}d
t0=$(date +%s%N)
out=$(nsx "$N" timeout 30 "$ENGINE" "$I" 2>&1); rc=$?
t1=$(date +%s%N)
echo "daemon start: exit $rc after $(( (t1 - t0) / 1000000 )) ms; output: [$out]"
check "daemon mode returns 0" [ $rc = 0 ]
check "the interface exists when the launcher returns" ip -n "$N" link show "$I"
check "the socket exists when the launcher returns" [ -S "$SOCKDIR/$I.sock" ]
check "socket mode is 0600, owned by root" [ "$(stat -c '%a %U' "$SOCKDIR/$I.sock")" = "600 root" ]
check "socket directory mode is 0755" [ "$(stat -c '%a' "$SOCKDIR")" = 755 ]
check "no temporary directory is left behind" [ -z "$(ls -A "$SOCKDIR" | grep "^\.$I\.")" ]
dpid=$(ip netns pids "$N" | head -1)
check "the daemon runs in the namespace (pid ${dpid:-none})" [ -n "$dpid" ]
check "the daemon has its own session (setsid)" [ "$(ps -o sid= -p "$dpid" | tr -d ' ')" = "$dpid" ]
check "the daemon's stdin is /dev/null" [ "$(readlink /proc/$dpid/fd/0)" = /dev/null ]
check "wg show works" wg show "$I"
out=$(nsx "$N" timeout 30 "$ENGINE" "$I" 2>&1); rc=$?
echo "second start: [$out]"
check "a second engine for the same name fails with exit 1 and a reason" [ $rc = 1 -a -n "$(echo "$out" | grep -i 'in use')" ]
check "the first engine still serves" wg show "$I"
log "remove the socket"
rm -f "$SOCKDIR/$I.sock"
check "the engine exits when its socket is removed" wait_for 10 sh -c "! kill -0 $dpid 2>/dev/null"
check "the interface is gone after the engine exits" wait_for 5 sh -c "! ip -n $N link show $I >/dev/null 2>&1"

log "--- ip link del"
check "daemon mode starts again" nsx "$N" timeout 30 "$ENGINE" "$I"
dpid=$(ip netns pids "$N" | head -1)
ip -n "$N" link del "$I"
check "the engine exits when the interface is deleted" wait_for 10 sh -c "! kill -0 $dpid 2>/dev/null"
check "the socket is removed" wait_for 5 sh -c "[ ! -e $SOCKDIR/$I.sock ]"

log "--- stale socket"
python3 -c "import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])" "$SOCKDIR/$I.sock"
check "a stale socket file is there" [ -S "$SOCKDIR/$I.sock" ]
check "daemon mode replaces a stale socket" nsx "$N" timeout 30 "$ENGINE" "$I"
check "the new socket answers" wg show "$I"
dpid=$(ip netns pids "$N" | head -1)

log "--- start-up errors"
ip -n "$N" link add "${T}v1" type veth peer name "${T}v2"
out=$(nsx "$N" timeout 30 "$ENGINE" "${T}v1" 2>&1); rc=$?
echo "engine on a veth name: [$out]"
check "a name taken by a non-TUN interface: exit 1 with the reason" [ $rc = 1 -a -n "$(echo "$out" | grep '^ERROR: .*TUN')" ]
check "no socket for the failed engine" [ ! -e "$SOCKDIR/${T}v1.sock" ]
out=$(nsx "$N" env LOG_LEVEL=verbose timeout 30 "$ENGINE" -f "${T}v1" 2>&1); rc=$?
check "the same in the foreground: exit 1" [ $rc = 1 -a -n "$(echo "$out" | grep '^ERROR: ('"${T}"'v1) [0-9/]* [0-9:]* Failed to create TUN device')" ]
kill "$dpid"
check "SIGTERM stops the daemon" wait_for 10 sh -c "! kill -0 $dpid 2>/dev/null"
check "the socket is removed after SIGTERM" [ ! -e "$SOCKDIR/$I.sock" ]
check "the interface is removed after SIGTERM" sh -c "! ip -n $N link show $I >/dev/null 2>&1"

log "--- foreground, SIGINT, LOG_LEVEL and keys"
F=${T}f
# A non-interactive shell starts background jobs with SIGINT ignored, and the JVM keeps it
# ignored: reset it to the default first, as an interactive shell would.
ip netns exec "$N" env LOG_LEVEL=verbose python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])' "$ENGINE" -f "$F" >"$WORK/f.out" 2>"$WORK/f.err" &
fpid=$!
PIDS+=($fpid)
check "foreground engine starts" wait_for 30 uapi_up "$F"
genkey f; genkey p; wg genpsk > "$WORK/psk"
check "configure key, psk and peer" wg set "$F" private-key "$WORK/f.key" listen-port 51900 \
  peer "$(pub p)" preshared-key "$WORK/psk" allowed-ips 10.9.9.0/24 endpoint 127.0.0.1:51901
ip -n "$N" addr add 10.9.8.1/24 dev "$F"
nsx "$N" ping -c 2 -i 0.2 -W 1 10.9.9.1 >/dev/null 2>&1   # handshake attempts get logged
kill -INT "$fpid"
check "SIGINT stops the foreground engine" wait_for 10 sh -c "! kill -0 $fpid 2>/dev/null"
check "the socket is removed after SIGINT" [ ! -e "$SOCKDIR/$F.sock" ]
echo "verbose log:"; sed 's/^/  | /' "$WORK/f.err"
check "verbose log lines look like wireguard-go's" grep -Eq '^DEBUG: \('"$F"'\) [0-9]{4}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} ' "$WORK/f.err"
check "every stderr line is a DEBUG or ERROR line" sh -c "! grep -Ev '^(DEBUG|ERROR): \($F\) ' '$WORK/f.err'"
check "nothing on stdout" [ ! -s "$WORK/f.out" ]
hexkey() { python3 -c "import base64,sys; print(base64.b64decode(sys.stdin.read()).hex())" < "$1"; }
for k in "$WORK/f.key" "$WORK/psk"; do
  b64=$(cat "$k"); hex=$(hexkey "$k")
  check "the log holds no private or preshared key ($(basename "$k"))" sh -c "! grep -qF -e '$b64' -e '$hex' -e '${b64:0:16}' -e '${hex:0:16}' '$WORK/f.err' '$WORK/f.out'"
done
ip netns exec "$N" env LOG_LEVEL=silent "$ENGINE" -f "$F" >"$WORK/s.out" 2>"$WORK/s.err" &
spid=$!
PIDS+=($spid)
check "silent engine starts" wait_for 30 uapi_up "$F"
wg set "$F" private-key /dev/null listen-port 70000 2>/dev/null
kill "$spid"; wait_for 10 sh -c "! kill -0 $spid 2>/dev/null"
check "LOG_LEVEL=silent prints nothing" [ ! -s "$WORK/s.err" -a ! -s "$WORK/s.out" ]
