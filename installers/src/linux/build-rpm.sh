#!/usr/bin/env bash
# Builds TARGET/wgdesk-VERSION-1.ARCH.rpm from the jpackage application image, with the same
# files as the .deb (stage-tree.sh). Skipped, with a message, where rpmbuild is missing.
#
# usage: build-rpm.sh IMAGE VERSION MAINTAINER HOMEPAGE TARGET
# VERSION is the Maven version; -SNAPSHOT becomes ~snapshot (sorts before the release).
#
# The scriptlets do what the .deb's maintainer scripts do, the RPM way: a removal keeps
# /var/lib/wgdesk and the group (RPM has no purge), and %config(noreplace) keeps edited files.
set -euo pipefail

if [ "$#" -ne 5 ]; then
  echo "usage: $0 IMAGE VERSION MAINTAINER HOMEPAGE TARGET" >&2
  exit 2
fi
image=$1 maven_version=$2 maintainer=$3 homepage=$4 target=$5
src=$(cd "$(dirname "$0")" && pwd)

if ! command -v rpmbuild >/dev/null; then
  echo "build-rpm: rpmbuild not found (Debian package rpm): no .rpm built" >&2
  exit 0
fi
version=${maven_version/-SNAPSHOT/\~snapshot}
arch=$(uname -m)
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$src" log -1 --format=%ct 2>/dev/null || date +%s)}
unitdir=/usr/lib/systemd/system

work=$target/rpm
root=$work/root
rm -rf "$work"
mkdir -p "$work"/{BUILD,RPMS,SPECS,SOURCES,SRPMS,BUILDROOT}
bash "$src/stage-tree.sh" "$image" "$root" "$unitdir" "$epoch"
# RPM distributions install shared objects executable.
find "$root/usr/lib/wgdesk" -type f -name '*.so' -exec chmod 0755 {} +
mkdir -p "$root/usr/share/licenses/wgdesk"
install -m 644 "$src/deb/copyright" "$root/usr/share/licenses/wgdesk/copyright"

# Requires: found by RPM in the ELF objects, less the libraries the package brings itself.
private_libs=$(find "$root/usr/lib/wgdesk" -name '*.so' -printf '%f\n' | sed 's/\.so$//; s/[.+]/\\&/g' \
  | sort -u | paste -sd'|')

spec=$work/SPECS/wgdesk.spec
cat > "$spec" <<EOF
%define debug_package %{nil}
%define __strip /bin/true
%define _build_id_links none
%define _binary_payload w6.xzdio
%global __provides_exclude_from ^/usr/lib/wgdesk/.*\$
%global __requires_exclude ^(${private_libs})\\.so.*\$

Name:           wgdesk
Version:        ${version}
Release:        1
Summary:        Desktop WireGuard VPN client with its own Java WireGuard engine
Group:          Productivity/Networking/Security
License:        MIT AND GPL-2.0-only WITH Classpath-exception-2.0 AND Apache-2.0 AND BSD-2-Clause AND BSD-3-Clause
URL:            ${homepage}
Packager:       ${maintainer}
BuildArch:      ${arch}
Requires:       iproute
Requires:       shadow-utils
Recommends:     nftables
Recommends:     wireguard-tools
Recommends:     shared-mime-info
Recommends:     desktop-file-utils
Recommends:     hicolor-icon-theme

%description
wgdesk connects to WireGuard VPN tunnels from a tray icon and a window, or
from the command line. It imports wg-quick configuration files, shows each
tunnel's peers and traffic, and brings tunnels up through a privileged helper
service, so members of the group wgdesk need no root password.

Tunnels run on wgdesk's own WireGuard implementation in Java, on the kernel's
TUN driver; the package also installs it as wgdesk-engine, a drop-in
replacement for wireguard-go for use with wg-quick. The package includes its
own Java runtime with JavaFX.

%install
cp -a "${root}/." "%{buildroot}/"

%pre
getent group wgdesk >/dev/null || groupadd --system wgdesk
exit 0

%post
mkdir -p /var/lib/wgdesk
chmod 0700 /var/lib/wgdesk
if [ "\$1" -eq 1 ]; then
    user=
    if [ -n "\${SUDO_USER:-}" ]; then
        user=\$SUDO_USER
    elif [ -n "\${PKEXEC_UID:-}" ]; then
        user=\$(getent passwd "\$PKEXEC_UID" | cut -d: -f1) || user=
    fi
    if [ -n "\$user" ] && [ "\$user" != root ] && getent passwd "\$user" >/dev/null; then
        usermod -a -G wgdesk "\$user" && echo "wgdesk: added \$user to group wgdesk; log out and back in to use wgdesk."
    else
        echo "wgdesk: to use wgdesk without root, add users to group wgdesk: sudo usermod -aG wgdesk USER"
    fi
fi
if [ -d /run/systemd/system ]; then
    systemctl daemon-reload >/dev/null 2>&1 || :
    if [ "\$1" -eq 1 ]; then
        systemctl enable --now wgdesk-helper.service >/dev/null 2>&1 || :
    else
        systemctl try-restart wgdesk-helper.service >/dev/null 2>&1 || :
    fi
elif [ "\$1" -eq 1 ] && command -v systemctl >/dev/null; then
    systemctl enable wgdesk-helper.service >/dev/null 2>&1 || :
fi
exit 0

%preun
if [ "\$1" -eq 0 ]; then
    if [ -d /run/systemd/system ]; then
        systemctl disable --now wgdesk-helper.service >/dev/null 2>&1 || :
    elif command -v systemctl >/dev/null; then
        systemctl disable wgdesk-helper.service >/dev/null 2>&1 || :
    fi
$(sed -n '/^is_launcher() {$/,/^}$/p; /^stop_unmanaged_helpers() {$/,/^}$/p' "$src/deb/prerm" | sed 's/^/    /')
    LAUNCHER=/usr/lib/wgdesk/bin/wgdesk
    HELPER_LAUNCHER=/usr/lib/wgdesk/bin/wgdesk-helper
    stop_unmanaged_helpers
fi
exit 0

%postun
if [ -d /run/systemd/system ]; then
    systemctl daemon-reload >/dev/null 2>&1 || :
fi
rm -rf /run/wgdesk
exit 0

%files
%license /usr/share/licenses/wgdesk/copyright
/usr/bin/wgdesk
/usr/bin/wgdesk-engine
$([ -e "$root/usr/bin/wgdesk-engine-hotspot" ] && echo /usr/bin/wgdesk-engine-hotspot)
/usr/lib/wgdesk
/usr/share/applications/wgdesk.desktop
/usr/share/applications/wgdesk-import.desktop
/usr/share/icons/hicolor/*/apps/wgdesk.*
/usr/share/mime/packages/wgdesk.xml
/usr/share/man/man1/wgdesk.1.gz
/usr/share/man/man1/wgdesk-engine.1.gz
${unitdir}/wgdesk-helper.service
%dir /etc/wgdesk
%config(noreplace) /etc/wgdesk/helper.conf
%config(noreplace) /etc/xdg/autostart/wgdesk-tray.desktop

%changelog
* $(LC_ALL=C date -u -d "@$epoch" '+%a %b %d %Y') ${maintainer} - ${version}-1
- Package built from the wgdesk sources (see ${homepage}).
EOF

rm -f "$target"/wgdesk-*.rpm
SOURCE_DATE_EPOCH=$epoch rpmbuild -bb --quiet \
  --define "_topdir $work" --define "_buildrootdir $work/BUILDROOT" \
  --define "use_source_date_epoch_as_buildtime 1" --define "clamp_mtime_to_source_date_epoch 1" \
  "$spec" >"$work/rpmbuild.log" 2>&1 || { cat "$work/rpmbuild.log" >&2; exit 1; }
rpm_file=$(find "$work/RPMS" -name '*.rpm' | head -n 1)
[ -n "$rpm_file" ] || { echo "build-rpm: rpmbuild made no package" >&2; exit 1; }
mv "$rpm_file" "$target/"
rpm_file=$target/$(basename "$rpm_file")
echo "build-rpm: $rpm_file ($(du -h "$rpm_file" | cut -f1))"
echo "build-rpm: Requires: $(rpm -qp --requires "$rpm_file" 2>/dev/null | grep -v '^rpmlib' | paste -sd' ')"
