#!/usr/bin/env bash
# Fetches nmcli for NmcliValidationTest WITHOUT installing NetworkManager: `apt-get download` of
# the candidate network-manager and libnm0, unpacked with `dpkg-deb -x` under DIR/root. Nothing on
# the host changes (no daemon, no dpkg state, no maintainer scripts). nmcli >= 1.42 has an
# --offline mode that reads a keyfile on stdin and writes it back normalised, or fails naming the
# bad property: that is NetworkManager's own keyfile reader and validator, with no daemon.
#
# Usage: fetch-nmcli.sh [DIR]   (default /var/tmp/wgdesk-nmcli, where the test looks)
set -euo pipefail
dir=${1:-/var/tmp/wgdesk-nmcli}
command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || { echo "fetch-nmcli: needs apt-get and dpkg-deb" >&2; exit 2; }
ver=$(apt-cache policy network-manager 2>/dev/null | awk '/Candidate:/ {print $2}')
if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
  echo "fetch-nmcli: no network-manager package candidate (run apt-get update?)" >&2
  exit 2
fi
rm -rf "$dir"
mkdir -p "$dir/debs"
chmod 755 "$dir" "$dir/debs"
cd "$dir/debs"
apt-get download -q "network-manager=$ver" "libnm0=$ver" 2>&1 | grep -v '^W: Download is performed unsandboxed' || true
ls network-manager_*.deb libnm0_*.deb >/dev/null 2>&1 || { echo "fetch-nmcli: apt-get download network-manager=$ver libnm0=$ver failed" >&2; exit 2; }
for deb in *.deb; do
  dpkg-deb -x "$deb" "$dir/root"
done
libdir=$(find "$dir/root" -name 'libnm.so.0' -printf '%h' -quit)
missing=$(LD_LIBRARY_PATH=$libdir ldd "$dir/root/usr/bin/nmcli" | grep 'not found' || true)
if [ -n "$missing" ]; then
  echo "fetch-nmcli: libraries missing for the extracted nmcli:" >&2
  echo "$missing" >&2
  exit 3
fi
printf '%s\n' "$libdir" > "$dir/libdir"
echo "fetch-nmcli: nmcli $ver unpacked in $dir/root"
