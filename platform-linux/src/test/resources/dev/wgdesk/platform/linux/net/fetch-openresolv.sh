#!/usr/bin/env bash
# Fetches Debian's openresolv for OpenresolvTest WITHOUT installing it: `apt-get download` of the
# candidate package, unpacked with `dpkg-deb -x` under DIR/root. Nothing on the host changes (no
# dpkg state, no maintainer scripts, no /etc/resolv.conf); the test runs a copy of its
# resolvconf script whose configuration, state and resolv.conf paths point into a temporary
# directory.
#
# Usage: fetch-openresolv.sh [DIR]   (default /var/tmp/wgdesk-openresolv, where the test looks)
# Exits non-zero, saying why, when the package is not available.
set -euo pipefail
dir=${1:-/var/tmp/wgdesk-openresolv}
command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || { echo "fetch-openresolv: needs apt-get and dpkg-deb" >&2; exit 2; }
ver=$(apt-cache policy openresolv 2>/dev/null | awk '/Candidate:/ {print $2}')
if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
  echo "fetch-openresolv: no openresolv package candidate (run apt-get update?)" >&2
  exit 2
fi
rm -rf "$dir"
mkdir -p "$dir/debs"
chmod 755 "$dir" "$dir/debs"
cd "$dir/debs"
apt-get download -q "openresolv=$ver" 2>&1 | grep -v '^W: Download is performed unsandboxed' || true
ls openresolv_*.deb >/dev/null 2>&1 || { echo "fetch-openresolv: apt-get download openresolv=$ver failed" >&2; exit 2; }
dpkg-deb -x openresolv_*.deb "$dir/root"
[ -x "$dir/root/sbin/resolvconf" ] || { echo "fetch-openresolv: no sbin/resolvconf in the package" >&2; exit 3; }
echo "fetch-openresolv: openresolv $ver unpacked in $dir/root"
