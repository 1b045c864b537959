#!/usr/bin/env bash
# Fetches systemd-resolved for ResolvedDnsTest WITHOUT installing it: `apt-get download` of the
# candidate systemd-resolved and of the libsystemd-shared of the same version (when the
# distribution packages it separately), unpacked with `dpkg-deb -x` under DIR/root. Nothing on
# the host changes (no dpkg state, no maintainer scripts, no /etc/resolv.conf, no user); the
# test runs the binaries from DIR/root inside private namespaces (resolved-sandbox.sh).
#
# Usage: fetch-resolved.sh [DIR]   (default /var/tmp/wgdesk-resolved, where the test looks)
# Exits non-zero, saying why, when the package is not available or a library is missing.
set -euo pipefail
dir=${1:-/var/tmp/wgdesk-resolved}
command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || { echo "fetch-resolved: needs apt-get and dpkg-deb" >&2; exit 2; }
ver=$(apt-cache policy systemd-resolved 2>/dev/null | awk '/Candidate:/ {print $2}')
if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
  echo "fetch-resolved: no systemd-resolved package candidate (run apt-get update?)" >&2
  exit 2
fi
rm -rf "$dir"
mkdir -p "$dir/debs"
chmod 755 "$dir" "$dir/debs"
cd "$dir/debs"
apt-get download -q "systemd-resolved=$ver" 2>&1 | grep -v '^W: Download is performed unsandboxed' || true
# Since Debian 12 / Ubuntu 23.04 the private library is its own package; older releases ship it in
# "systemd" (then the host's, of the same version, is used).
apt-get download -q "libsystemd-shared=$ver" 2>&1 | grep -v '^W: Download is performed unsandboxed' || true
ls systemd-resolved_*.deb >/dev/null 2>&1 || { echo "fetch-resolved: apt-get download systemd-resolved=$ver failed" >&2; exit 2; }
for deb in *.deb; do
  dpkg-deb -x "$deb" "$dir/root"
done
libdir=$(find "$dir/root" -name 'libsystemd-shared-*.so' -printf '%h' -quit)
missing=$(LD_LIBRARY_PATH=$libdir ldd "$dir/root/lib/systemd/systemd-resolved" "$dir/root/usr/bin/resolvectl" | grep 'not found' || true)
if [ -n "$missing" ]; then
  echo "fetch-resolved: libraries missing for the extracted systemd-resolved:" >&2
  echo "$missing" >&2
  exit 3
fi
echo "fetch-resolved: systemd-resolved $ver unpacked in $dir/root"
