#!/usr/bin/env bash
# wg-quick.sh: 'wg-quick up' and 'wg-quick down' with WG_QUICK_USERSPACE_IMPLEMENTATION set to
# wgdesk-engine (daemon mode), in a client namespace C against a wireguard-go server in S:
#  1. a split tunnel (AllowedIPs = the tunnel subnet and a "peer network" behind the server);
#  2. a full tunnel (AllowedIPs = 0.0.0.0/0, ::/0): all traffic goes through the tunnel, the
#     engine's own UDP packets do not loop (SO_MARK = wg-quick's fwmark, policy rules), and
#     'down' restores routes, rules and nftables exactly (wg-quick leaves the sysctl
#     net.ipv4.conf.all.src_valid_mark at 1 by design, so it is not compared).
. "$(dirname "$0")/lib.sh"
require_root_tools wg-quick timeout nft
NC=${T}nc NS=${T}ns IC=${T}c IS=${T}s
mkns "$NC" && mkns "$NS" && veth "$NC" "${T}vc" "$NS" "${T}vs" || exit 1
ip -n "$NC" addr add 192.168.79.2/24 dev "${T}vc"
ip -n "$NS" addr add 192.168.79.1/24 dev "${T}vs"
ip -n "$NC" addr add fd79::2/64 dev "${T}vc" nodad
ip -n "$NS" addr add fd79::1/64 dev "${T}vs" nodad
ip -n "$NC" route add default via 192.168.79.1
ip -n "$NC" -6 route add default via fd79::1
# the "peer network" behind the server: addresses on the server's loopback
ip -n "$NS" addr add 172.16.79.1/32 dev lo
ip -n "$NS" addr add fd00:1679::1/128 dev lo
start_engine go "$NS" "$IS" || exit 1
genkey c; genkey s
ip -n "$NS" addr add 10.79.0.1/24 dev "$IS"
ip -n "$NS" addr add fd00:79::1/64 dev "$IS" nodad
wg set "$IS" private-key "$WORK/s.key" listen-port 51820 peer "$(pub c)" allowed-ips 10.79.0.2/32,fd00:79::2/128

state() { # routes, rules and firewall of namespace C
  nsx "$NC" sh -c 'ip -4 route show table all; ip -6 route show table all | grep -v "^\(local\|multicast\) fe80\|^fe80"; ip -4 rule; ip -6 rule; nft list ruleset' 2>&1
}
conf() { # AllowedIPs
  cat > "$WORK/$IC.conf" <<CONF
[Interface]
PrivateKey = $(cat "$WORK/c.key")
Address = 10.79.0.2/24, fd00:79::2/64

[Peer]
PublicKey = $(pub s)
Endpoint = 192.168.79.1:51820
AllowedIPs = $1
CONF
}
engine_pid() { ip netns pids "$NC" | head -1; }
quick() { nsx "$NC" env WG_QUICK_USERSPACE_IMPLEMENTATION="$ENGINE" timeout 60 wg-quick "$@" 2>&1; }
down_and_check() { # label, state before
  local pid; pid=$(engine_pid)
  out=$(quick down "$WORK/$IC.conf"); rc=$?
  echo "$out" | sed 's/^/  | /'
  check "$1: wg-quick down succeeds" [ $rc = 0 ]
  check "$1: the engine (pid $pid) exits" wait_for 10 sh -c "! kill -0 $pid 2>/dev/null"
  check "$1: its socket is removed" wait_for 5 sh -c "[ ! -e $SOCKDIR/$IC.sock ]"
  local after; after=$(state)
  if [ "$2" = "$after" ]; then pass "$1: routes, rules and firewall are as before"; else
    fail "$1: routes, rules and firewall are as before"; diff <(echo "$2") <(echo "$after"); fi
}

log "--- split tunnel"
conf "10.79.0.0/24, fd00:79::/64, 172.16.79.0/24, fd00:1679::/64"
before=$(state)
out=$(quick up "$WORK/$IC.conf"); rc=$?
echo "$out" | sed 's/^/  | /'
check "split: wg-quick up succeeds" [ $rc = 0 ]
check "split: it fell back to the userspace implementation" sh -c "echo '$out' | grep -q 'userspace implementation'"
check "split: wg show lists the interface" sh -c "wg show interfaces | tr ' ' '\n' | grep -qx $IC"
check "split: route to the peer network via the tunnel" sh -c "ip -n $NC route get 172.16.79.1 | grep -q 'dev $IC'"
check "split: MTU set by wg-quick (1420)" sh -c "ip -n $NC link show $IC | grep -q 'mtu 1420'"
check "split: ping the server's tunnel address" reach "$NC" 10.79.0.1
check "split: ping the peer network (IPv4)" reach "$NC" 172.16.79.1
check "split: ping the peer network (IPv6)" reach "$NC" fd00:1679::1
check "split: the server sees the client's endpoint" [ "$(wg show "$IS" endpoints | cut -f2)" = "192.168.79.2:$(wg show "$IC" listen-port)" ]
down_and_check "split" "$before"

log "--- full tunnel"
conf "0.0.0.0/0, ::/0"
before=$(state)
out=$(quick up "$WORK/$IC.conf"); rc=$?
echo "$out" | sed 's/^/  | /'
check "full: wg-quick up succeeds" [ $rc = 0 ]
mark=$(wg show "$IC" fwmark)
check "full: wg-quick set an fwmark on the engine ($mark)" [ -n "$mark" -a "$mark" != off ]
check "full: policy rule 'not fwmark' present" sh -c "ip -n $NC -4 rule | grep -q 'not from all fwmark $mark lookup'"
check "full: the default route now leads into the tunnel" sh -c "ip -n $NC route get 172.16.79.1 | grep -q 'dev $IC'"
check "full: IPv6 too" sh -c "ip -n $NC -6 route get fd00:1679::1 | grep -q 'dev $IC'"
check "full: packets with the engine's mark use the main table (the veth)" sh -c "ip -n $NC route get 172.16.79.1 mark $mark | grep -q 'dev ${T}vc'"
rx0=$(wg show "$IS" transfer | cut -f2)
check "full: ping the peer network (IPv4)" reach "$NC" 172.16.79.1
check "full: ping the peer network (IPv6)" reach "$NC" fd00:1679::1
check "full: ping the server's outer address (the connected /24 stays outside the tunnel)" reach "$NC" 192.168.79.1
rx1=$(wg show "$IS" transfer | cut -f2)
check "full: the server received that traffic through WireGuard ($rx0 -> $rx1 bytes)" [ "$rx1" -gt "$rx0" ]
udp_socket_mark=$(nsx "$NC" ss -uane 2>/dev/null | grep -o 'fwmark:0x[0-9a-f]*' | sort -u | tr '\n' ' ')
echo "  UDP socket marks in C: $udp_socket_mark"
check "full: the engine's UDP socket carries the mark (SO_MARK)" sh -c "echo '$udp_socket_mark' | grep -q 'fwmark:$(printf '0x%x' "$mark")'"
tun_tx=$(ip -n "$NC" -s -j link show dev "$IC" | python3 -c "import json,sys; print(json.load(sys.stdin)[0]['stats64']['tx']['packets'])")
check "full: no routing loop (tunnel carried a sane number of packets: $tun_tx)" [ "$tun_tx" -lt 1000 ]
check "full: server endpoint is still the client's outer address" [ "$(wg show "$IS" endpoints | cut -f2 | cut -d: -f1)" = 192.168.79.2 ]
down_and_check "full" "$before"
check "the server is still running" kill -0 "$(eval echo \$PID_$IS)"
[ "$FAILS" = 0 ] || show_logs
