#!/usr/bin/env bash
# Lays out wgdesk's installed files under ROOT, the same for the .deb and the .rpm:
#
#   /usr/lib/wgdesk/                        the jpackage application image (launchers, jars, runtime)
#   /usr/bin/wgdesk, /usr/bin/wgdesk-engine links to the launchers (and /usr/bin/wgdesk-engine-hotspot
#                                           when wgdesk-engine is the native image, -Pnative)
#   /usr/share/applications/                wgdesk.desktop (menu), wgdesk-import.desktop (opens *.conf)
#   /etc/xdg/autostart/wgdesk-tray.desktop  the tray icon at login
#   /usr/share/icons/hicolor/*/apps/        wgdesk.svg and PNG sizes
#   /usr/share/mime/packages/wgdesk.xml     the type application/x-wireguard-config
#   UNITDIR/wgdesk-helper.service           the helper's systemd unit
#   /etc/wgdesk/helper.conf                 the helper's policy (all defaults, commented out)
#   /usr/share/man/man1/                    wgdesk.1.gz, wgdesk-engine.1.gz
#
# usage: stage-tree.sh IMAGE ROOT UNITDIR SOURCE_DATE_EPOCH
set -euo pipefail

if [ "$#" -ne 4 ]; then
  echo "usage: $0 IMAGE ROOT UNITDIR SOURCE_DATE_EPOCH" >&2
  exit 2
fi
image=$1 root=$2 unitdir=$3 epoch=$4
src=$(cd "$(dirname "$0")" && pwd)

[ -x "$image/bin/wgdesk" ] || { echo "stage-tree: no application image at $image" >&2; exit 1; }
rm -rf "$root"
mkdir -p "$root"

# Files with a fixed mode: install -m MODE SOURCE DEST (creating DEST's directory).
put() {
  mkdir -p "$(dirname "$root$3")"
  install -m "$1" "$2" "$root$3"
}

mkdir -p "$root/usr/lib" "$root/usr/bin"
cp -R "$image" "$root/usr/lib/wgdesk"
ln -s ../lib/wgdesk/bin/wgdesk "$root/usr/bin/wgdesk"
ln -s ../lib/wgdesk/bin/wgdesk-engine "$root/usr/bin/wgdesk-engine"
# Built with -Pnative: wgdesk-engine is the native image; the HotSpot engine stays callable.
if [ -e "$image/bin/wgdesk-engine-hotspot" ]; then
  ln -s ../lib/wgdesk/bin/wgdesk-engine-hotspot "$root/usr/bin/wgdesk-engine-hotspot"
fi

put 644 "$src/desktop/wgdesk.desktop" /usr/share/applications/wgdesk.desktop
put 644 "$src/desktop/wgdesk-import.desktop" /usr/share/applications/wgdesk-import.desktop
put 644 "$src/desktop/wgdesk-tray.desktop" /etc/xdg/autostart/wgdesk-tray.desktop
put 644 "$src/icons/wgdesk.svg" /usr/share/icons/hicolor/scalable/apps/wgdesk.svg
for png in "$src"/icons/png/*.png; do
  size=$(basename "$png" .png)
  put 644 "$png" "/usr/share/icons/hicolor/$size/apps/wgdesk.png"
done
put 644 "$src/mime/wgdesk.xml" /usr/share/mime/packages/wgdesk.xml
put 644 "$src/systemd/wgdesk-helper.service" "$unitdir/wgdesk-helper.service"
put 644 "$src/etc/helper.conf" /etc/wgdesk/helper.conf
for page in "$src"/man/*.1; do
  put 644 "$page" "/usr/share/man/man1/$(basename "$page")"
  gzip -9n "$root/usr/share/man/man1/$(basename "$page")"
done

# Modes: directories 0755, executables (launchers, ELF objects the image marks executable)
# 0755, everything else 0644. Shared objects need no execute bit.
find "$root" -type d -exec chmod 0755 {} +
find "$root" -type f -exec chmod 0644 {} +
chmod 0755 "$root/usr/lib/wgdesk/bin/"*
for f in "$root/usr/lib/wgdesk/lib/runtime/bin/"* "$root/usr/lib/wgdesk/lib/runtime/lib/jspawnhelper" \
         "$root/usr/lib/wgdesk/lib/runtime/lib/jexec"; do
  if [ -f "$f" ]; then chmod 0755 "$f"; fi
done

# Reproducible timestamps.
find "$root" -exec touch --no-dereference --date="@$epoch" {} +
