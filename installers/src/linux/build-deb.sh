#!/usr/bin/env bash
# Builds TARGET/wgdesk_VERSION_ARCH.deb from the jpackage application image.
#
# jpackage's own --type deb installs only below its installation directory and creates the
# desktop entry and MIME type from maintainer scripts, so dpkg would not own them; wgdesk also
# needs a systemd unit, an autostart entry and files in /etc. So jpackage makes the
# application image (runtime and launchers) and this script makes the package with dpkg-deb,
# every installed file owned by dpkg.
#
# usage: build-deb.sh IMAGE VERSION MAINTAINER HOMEPAGE TARGET
# VERSION is the Maven version; -SNAPSHOT becomes ~snapshot (sorts before the release).
# SOURCE_DATE_EPOCH, if set, dates the files (else the last git commit, else now).
set -euo pipefail

if [ "$#" -ne 5 ]; then
  echo "usage: $0 IMAGE VERSION MAINTAINER HOMEPAGE TARGET" >&2
  exit 2
fi
image=$1 maven_version=$2 maintainer=$3 homepage=$4 target=$5
src=$(cd "$(dirname "$0")" && pwd)
die() { echo "build-deb: $*" >&2; exit 1; }

command -v dpkg-deb >/dev/null || die "dpkg-deb not found (Debian package dpkg)"
version=${maven_version/-SNAPSHOT/\~snapshot}
arch=$(dpkg --print-architecture)
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$src" log -1 --format=%ct 2>/dev/null || date +%s)}
unitdir=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null || true)
unitdir=${unitdir:-/lib/systemd/system}

work=$target/deb
root=$work/root
rm -rf "$work"
mkdir -p "$work"
bash "$src/stage-tree.sh" "$image" "$root" "$unitdir" "$epoch"

# Documentation: copyright (every bundled jar must be named in it) and a changelog.
doc=$root/usr/share/doc/wgdesk
mkdir -p "$doc"
install -m 644 "$src/deb/copyright" "$doc/copyright"
mapfile -t patterns < <(awk '/^Files:/{sub(/^Files:/, ""); on=1} /^[A-Z][A-Za-z-]*:/ && !/^Files:/{on=0} on{print}' \
  "$src/deb/copyright" | tr ' ' '\n' | grep -v '^$')
for jar in "$root"/usr/lib/wgdesk/lib/app/*.jar; do
  rel=${jar#"$root"/}
  named=
  for p in "${patterns[@]}"; do
    # shellcheck disable=SC2053
    if [ "$p" != '*' ] && [[ $rel == $p ]]; then named=yes; break; fi
  done
  [ -n "$named" ] || die "$rel is not named in src/linux/deb/copyright: add its license there"
done
{
  echo "wgdesk ($version) unstable; urgency=medium"
  echo
  echo "  * Package built from the wgdesk sources (see $homepage)."
  echo
  echo " -- $maintainer  $(date -u -R -d "@$epoch")"
} > "$doc/changelog"
gzip -9n "$doc/changelog"
mkdir -p "$root/usr/share/lintian/overrides"
install -m 644 "$src/deb/lintian-overrides" "$root/usr/share/lintian/overrides/wgdesk"
find "$doc" "$root/usr/share/lintian" -exec touch --no-dereference --date="@$epoch" {} +

# Depends: the libraries the bundled runtime and JavaFX load (their NEEDED entries; the
# install test checks with ldd that these packages provide all of them), with the t64 names
# of Debian 13 first. libc6's version is the newest GLIBC symbol version any object needs.
glibc=$(find "$root/usr/lib/wgdesk" -type f -exec sh -c 'head -c 4 "$1" | grep -q ELF && objdump -T "$1"' _ {} \; \
  | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -t. -k1,1n -k2,2n -k3,3n | tail -n 1)
[ -n "$glibc" ] || die "found no GLIBC symbol versions (objdump from binutils needed)"
depends="libc6 (>= $glibc), libgtk-3-0t64 | libgtk-3-0, libasound2t64 | libasound2, libfontconfig1, libfreetype6, libgl1, libx11-6, libxext6, libxi6, libxrender1, libxtst6, libxxf86vm1"
# The native engine (built with -Pnative) links glibc (above) and zlib dynamically.
native_exe=$root/usr/lib/wgdesk/bin/wgdesk-engine-native
if [ -f "$native_exe" ]; then
  needed=$(objdump -p "$native_exe" | awk '/NEEDED/ { print $2 }' | paste -sd' ')
  for lib in $needed; do
    case $lib in
      libc.so.6|libm.so.6|libdl.so.2|libpthread.so.0|librt.so.1|ld-linux-x86-64.so.2) ;; # libc6
      libz.so.1) depends="$depends, zlib1g" ;;
      *) die "the native engine needs $lib: add its package to the Depends in $0" ;;
    esac
  done
  echo "build-deb: the native engine needs $needed"
fi
# Run time: ip for tunnels, the group tools for postinst, systemd's helpers for the unit.
depends="$depends, iproute2, passwd, init-system-helpers (>= 1.54~)"

engine_note=
if [ -f "$native_exe" ]; then
  engine_note="
 wgdesk-engine is compiled ahead of time (a GraalVM native image, no JVM);
 wgdesk-engine-hotspot runs the same engine on the bundled Java runtime."
fi

installed_size=$(du -sk --apparent-size "$root" | cut -f1)
mkdir -p "$root/DEBIAN"
cat > "$root/DEBIAN/control" <<EOF
Package: wgdesk
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $installed_size
Depends: $depends
Recommends: nftables, systemd-resolved | resolvconf, wireguard-tools, shared-mime-info, desktop-file-utils, hicolor-icon-theme
Suggests: wireguard-go
Section: net
Priority: optional
Homepage: $homepage
Description: desktop WireGuard VPN client with its own Java WireGuard engine
 wgdesk connects to WireGuard VPN tunnels from a tray icon and a window, or
 from the command line. It imports wg-quick configuration files (opening
 one in a file manager offers to import it), shows each tunnel's peers and
 traffic, and
 brings tunnels up through a privileged helper service, so members of the
 group wgdesk need no root password.
 .
 Tunnels run on wgdesk's own WireGuard implementation in Java, on the
 kernel's TUN driver; the package also installs it as wgdesk-engine, a
 drop-in replacement for wireguard-go for use with wg-quick.$engine_note
 .
 The package includes its own Java runtime with JavaFX.
EOF
printf '%s\n' /etc/wgdesk/helper.conf /etc/xdg/autostart/wgdesk-tray.desktop > "$root/DEBIAN/conffiles"
for script in postinst prerm postrm; do
  install -m 755 "$src/deb/$script" "$root/DEBIAN/$script"
done
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z \
  | xargs -0 md5sum) > "$root/DEBIAN/md5sums"
chmod 644 "$root/DEBIAN/control" "$root/DEBIAN/conffiles" "$root/DEBIAN/md5sums"
find "$root/DEBIAN" -exec touch --date="@$epoch" {} +

deb=$target/wgdesk_${version}_${arch}.deb
rm -f "$target"/wgdesk_*.deb
SOURCE_DATE_EPOCH=$epoch dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "build-deb: $deb ($(du -h "$deb" | cut -f1), installed $((installed_size / 1024)) MiB)"
echo "build-deb: Depends: $depends"
