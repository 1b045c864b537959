#!/usr/bin/env bash
# Compares wgdesk's macOS activation plan with what wg-quick for macOS would run.
#
# usage: darwin-oracle.sh CONF...
#
# For each configuration it runs the unmodified wg-quick darwin.bash ($DARWIN_BASH, else
# ../shared/oracles/wg-quick/darwin.bash from the project root or, in a git worktree, from beside
# the main clone) on this Linux machine with stub ifconfig, route, netstat, networksetup, wg, stat,
# wireguard-go and launchctl that change nothing and answer like a plausible Mac (below), collects
# its "[#] ..." lines (the commands wg-quick would run), and compares them with
# `$WGDESK plan CONF --os macos` ($WGDESK: a command, default "wgdesk"). Compared: the ifconfig,
# "route ... add" and "networksetup -set..." lines, as sets, after writing wg-quick's
# Mac-specific values as the plan's placeholders:
#   utun7 -> utunN, 192.168.1.1 -> <gateway4>, fe80::1%en0 -> <gateway6>,
#   each network service name -> <service>, 1412 (en0's MTU 1492 minus 80) -> <automtu>.
# Prints "same NAME" or "differs NAME" followed by the lines only one side has.
# Exit status: 0 all same, 1 something differs or failed, 3 skipped (the reason is printed).
#
# darwin.bash wants root (else it re-executes itself with sudo) and writes /var/run/wireguard:
# it runs in a private mount namespace with a fresh tmpfs on /run (unshare -m as root,
# unshare -rm otherwise), so nothing on this machine changes and parallel runs do not meet.
# The stubs are exported shell functions: darwin.bash puts /usr/bin:/bin:/usr/sbin:/sbin first
# in PATH, but a function wins over any program of the same name.
set -u -o pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
# ../shared beside the project; for a git worktree also beside the main clone.
oracle=${DARWIN_BASH:-}
if [[ -z $oracle ]]; then
  oracle=$root/../shared/oracles/wg-quick/darwin.bash
  common=$(git -C "$root" rev-parse --path-format=absolute --git-common-dir 2>/dev/null || true)
  if [[ ! -r $oracle && -n $common && -r $common/../../shared/oracles/wg-quick/darwin.bash ]]; then
    oracle=$(cd "$common/../../shared/oracles/wg-quick" && pwd)/darwin.bash
  fi
fi
if [[ ! -r $oracle ]]; then
  echo "skipped: wg-quick's darwin.bash not found at $oracle (../shared is absent)"
  exit 3
fi
if (( $# == 0 )); then
  echo "usage: darwin-oracle.sh CONF..." >&2
  exit 2
fi
read -r -a wgdesk <<< "${WGDESK:-wgdesk}"
if [[ $(id -u) == 0 ]]; then
  ns=(unshare -m)
else
  ns=(unshare -r -m)
fi
if ! "${ns[@]}" true 2>/dev/null; then
  echo "skipped: cannot create a private mount namespace (${ns[*]}) to run darwin.bash in"
  exit 3
fi
command -v python3 >/dev/null || { echo "skipped: python3 (used to create the UAPI socket file) is not installed"; exit 3; }

UTUN=utun7
GW4=192.168.1.1
GW6=fe80::1%en0
SERVICES=("Wi-Fi" "Thunderbolt Bridge" "iPhone USB")
DEFAULT_MTU=1492

# ---- the stubs: a MacBook on Wi-Fi (en0) with an IPv4 and an IPv6 default route ----
stubs() {
cat <<'STUBS'
wireguard-go() {
  printf '%s\n' "$ORACLE_UTUN" > "$WG_TUN_NAME_FILE"
  python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "/var/run/wireguard/$ORACLE_UTUN.sock"
}
launchctl() { return 1; }
stat() {
  case "$2" in
    %m) echo 1700000000 ;;
    *) echo 0600 ;;
  esac
}
ifconfig() {
  if (( $# == 1 )); then
    case "$1" in
      en0) printf 'en0: flags=8863<UP,BROADCAST,SMART,RUNNING,SIMPLEX,MULTICAST> mtu %s\n\tether 3c:22:fb:00:00:01\n\tinet 192.168.1.23 netmask 0xffffff00 broadcast 192.168.1.255\n\tstatus: active\n' "$ORACLE_DEFAULT_MTU" ;;
      "$ORACLE_UTUN") printf '%s: flags=8051<UP,POINTOPOINT,RUNNING,MULTICAST> mtu 1420\n' "$ORACLE_UTUN" ;;
      *) echo "ifconfig: interface $1 does not exist" >&2; return 1 ;;
    esac
  fi
  return 0
}
netstat() {
  case "$*" in
    *"-f inet6"*) printf 'Routing tables\n\nInternet6:\nDestination                             Gateway                                 Flags         Netif Expire\ndefault                                 fe80::1%%en0                             UGcg            en0       \n::1                                     ::1                                     UHL             lo0       \nfe80::%%en0/64                           link#6                                  UCI             en0       \n' ;;
    *"-f inet"*) printf 'Routing tables\n\nInternet:\nDestination        Gateway            Flags        Refs      Use   Netif Expire\ndefault            192.168.1.1        UGSc           42        0     en0       \n127                127.0.0.1          UCS             0        0     lo0       \n192.168.1          link#6             UCS             2        0     en0      !\n' ;;
  esac
}
route() {
  case "$*" in
    "-n get "*) printf '   route to: %s\ndestination: default\n       mask: default\n    gateway: 192.168.1.1\n  interface: en0\n      flags: <UP,GATEWAY,DONE,STATIC,PRCLONING>\n' "${*: -1}" ;;
  esac
  # A Mac's route refuses an IPv6 destination after -inet ("bad address") and changes nothing;
  # the command is recorded so that the comparison leaves out what had no effect.
  local a prev="" adding=""
  for a in "$@"; do
    [[ $a == add ]] && adding=1
    if [[ -n $adding && $prev == -inet && $a == *:* ]]; then
      echo "route: bad address: $a" >&2
      echo "route $*" >> "$ORACLE_REJECTED"
      return 1
    fi
    prev=$a
  done
  return 0
}
networksetup() {
  case "$1" in
    -listallnetworkservices) printf 'An asterisk (*) denotes that a network service is disabled.\nWi-Fi\nThunderbolt Bridge\n*iPhone USB\n' ;;
    -getdnsservers) echo "There aren't any DNS Servers set on $2." ;;
    -getsearchdomains) echo "There aren't any Search Domains set on $2." ;;
  esac
  return 0
}
wg() {
  case "$1 ${3:-}" in
    "show interfaces") echo "$ORACLE_UTUN" ;;
    "addconf "*) cat "$3" > /dev/null ;;
    "show endpoints"|"show allowed-ips") oracle_peers "$3" < "$ORACLE_CONF" ;;
  esac
  return 0
}
# "wg show IFACE endpoints|allowed-ips" from the configuration, as wg prints them (one line a peer).
oracle_peers() {
  local line key value section="" pub="" ep="" ips=""
  flush() {
    [[ $section == peer && -n $pub ]] || return 0
    if [[ $1 == endpoints ]]; then printf '%s\t%s\n' "$pub" "${ep:-(none)}"; else printf '%s\t%s\n' "$pub" "${ips:-(none)}"; fi
  }
  while IFS= read -r line || [[ -n $line ]]; do
    line="${line%%#*}"
    if [[ $line =~ ^[[:space:]]*\[([A-Za-z]+)\] ]]; then
      flush "$1"; pub=""; ep=""; ips=""
      section="${BASH_REMATCH[1],,}"
      continue
    fi
    [[ $line == *=* ]] || continue
    key="${line%%=*}"; key="${key//[[:space:]]/}"; value="${line#*=}"; value="${value//[[:space:]]/}"
    case "${key,,}" in
      publickey) pub="$value" ;;
      endpoint) ep="${value,,}" ;;
      allowedips) ips="${value//,/ }" ;;
    esac
  done
  flush "$1"
}
STUBS
}

# The compared lines of a list of commands, with the placeholders.
normalise() {
  local s sed_args=(-e "s/\\b$UTUN\\b/utunN/g" -e "s/ $GW4\$/ <gateway4>/" -e "s/ $GW6\$/ <gateway6>/"
    -e "s/^ifconfig utunN mtu $((DEFAULT_MTU - 80))\$/ifconfig utunN mtu <automtu>/")
  for s in "${SERVICES[@]}"; do
    sed_args+=(-e "s/^networksetup \\(-set[a-z]*\\) $s /networksetup \\1 <service> /")
  done
  grep -E '^(ifconfig |route (-q )?(-n )?add |networksetup -set)' | sed "${sed_args[@]}" | LC_ALL=C sort -u
}

tmp=$(mktemp -d)
trap '[[ -n ${ORACLE_KEEP:-} ]] && echo "kept $tmp" || rm -rf "$tmp"' EXIT
stubs > "$tmp/stubs.bash"
status=0
for conf in "$@"; do
  name=$(basename "$conf" .conf)
  abs=$(cd "$(dirname "$conf")" && pwd)/$(basename "$conf")
  # wg-quick
  : > "$tmp/$name.rejected"
  ORACLE_UTUN=$UTUN ORACLE_CONF=$abs ORACLE_DEFAULT_MTU=$DEFAULT_MTU ORACLE_REJECTED=$tmp/$name.rejected \
    "${ns[@]}" bash -c '
      mount -t tmpfs tmpfs /run || exit 90
      [[ -L /var/run ]] || mount -t tmpfs tmpfs /var/run || exit 90
      source "$1"
      export -f wireguard-go launchctl stat ifconfig netstat route networksetup wg oracle_peers
      exec bash "$2" up "$3" </dev/null' _ "$tmp/stubs.bash" "$oracle" "$abs" > "$tmp/$name.out" 2> "$tmp/$name.err"
  rc=$?
  if (( rc != 0 )); then
    echo "differs $name"
    echo "  wg-quick failed (exit $rc):"
    sed 's/^/    /' "$tmp/$name.err"
    status=1
    continue
  fi
  # What wg-quick ran, less what the Mac would have refused (wg-quick ignores those failures).
  sed -n 's/^\[#\] //p' "$tmp/$name.err" | { grep -vxF -f "$tmp/$name.rejected" || true; } | normalise > "$tmp/$name.wgquick"
  normalise < "$tmp/$name.rejected" > "$tmp/$name.refused"
  # wgdesk
  if ! "${wgdesk[@]}" plan "$abs" --os macos > "$tmp/$name.plan" 2> "$tmp/$name.planerr"; then
    echo "differs $name"
    echo "  wgdesk plan failed:"
    sed 's/^/    /' "$tmp/$name.planerr"
    status=1
    continue
  fi
  normalise < "$tmp/$name.plan" > "$tmp/$name.wgdesk"
  if [[ ! -s $tmp/$name.wgquick ]]; then
    echo "differs $name"
    echo "  wg-quick printed no command (its output follows):"
    sed 's/^/    /' "$tmp/$name.err"
    status=1
  elif cmp -s "$tmp/$name.wgquick" "$tmp/$name.wgdesk"; then
    echo "same $name"
    sed 's/^/  not compared (wg-quick runs it, a Mac refuses it): /' "$tmp/$name.refused"
  else
    echo "differs $name"
    LC_ALL=C comm -23 "$tmp/$name.wgquick" "$tmp/$name.wgdesk" | sed 's/^/  only wg-quick: /'
    LC_ALL=C comm -13 "$tmp/$name.wgquick" "$tmp/$name.wgdesk" | sed 's/^/  only wgdesk:   /'
    status=1
  fi
done
exit $status
