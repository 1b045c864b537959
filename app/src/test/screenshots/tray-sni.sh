#!/bin/bash
# The tray icon and its menu in a REAL StatusNotifierItem host: xfce4-panel's status tray under Xvfb,
# on a private session bus, with the app started as the login autostart does (`wgdesk tray`, demo
# helper). Saves png/tray-menu.png (the panel with the menu open) and checks, with gdbus and xdotool,
# that the item registered, that no window opened at start, that a menu click toggles a tunnel and
# that a left click on the icon opens the window. A manual check (not run by CI: xfce4-panel is large).
# Needs: app/target/dist (./mvnw -B -DskipTests package), and the Debian packages
#   xvfb xfce4-panel xfconf dbus-x11 libglib2.0-bin xdotool x11-apps imagemagick
# Usage: app/src/test/screenshots/tray-sni.sh [OUTPUT_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
out=${1:-$here/png}
mkdir -p "$out"
for tool in Xvfb xfce4-panel dbus-launch gdbus xdotool xwd convert; do
  command -v "$tool" >/dev/null || { echo "tray-sni.sh: $tool not found (see the header for packages)" >&2; exit 1; }
done
xfconfd=/usr/lib/x86_64-linux-gnu/xfce4/xfconf/xfconfd
[ -x "$xfconfd" ] || { echo "tray-sni.sh: $xfconfd not found (package xfconf)" >&2; exit 1; }
[ -x "$root/app/target/dist/bin/wgdesk" ] || { echo "tray-sni.sh: build first: ./mvnw -B -DskipTests package" >&2; exit 1; }

work=$(mktemp -d /tmp/wgdesk-tray.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "${DBUS_SESSION_BUS_PID:-}" ] && kill "$DBUS_SESSION_BUS_PID" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
export HOME=$work XDG_CONFIG_HOME=$work/.config XDG_RUNTIME_DIR=$work/run
mkdir -p "$XDG_RUNTIME_DIR" "$XDG_CONFIG_HOME/xfce4/xfconf/xfce-perchannel-xml"
chmod 700 "$XDG_RUNTIME_DIR"
# One top panel: a spacer and the status tray (which hosts StatusNotifierItems).
cat > "$XDG_CONFIG_HOME/xfce4/xfconf/xfce-perchannel-xml/xfce4-panel.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<channel name="xfce4-panel" version="1.0">
  <property name="configver" type="int" value="2"/>
  <property name="panels" type="array">
    <value type="int" value="1"/>
    <property name="panel-1" type="empty">
      <property name="position" type="string" value="p=6;x=0;y=0"/>
      <property name="length" type="uint" value="100"/>
      <property name="position-locked" type="bool" value="true"/>
      <property name="size" type="uint" value="32"/>
      <property name="icon-size" type="uint" value="24"/>
      <property name="plugin-ids" type="array"><value type="int" value="1"/><value type="int" value="2"/></property>
    </property>
  </property>
  <property name="plugins" type="empty">
    <property name="plugin-1" type="string" value="separator"><property name="expand" type="bool" value="true"/></property>
    <property name="plugin-2" type="string" value="systray"/>
  </property>
</channel>
XML
display=:$((70 + RANDOM % 20))
Xvfb "$display" -screen 0 1024x700x24 -nolisten tcp >"$work/xvfb.log" 2>&1 & pids+=($!)
export DISPLAY=$display
for _ in $(seq 50); do xdotool getdisplaygeometry >/dev/null 2>&1 && break; sleep 0.1; done
eval "$(dbus-launch --sh-syntax)"
"$xfconfd" >"$work/xfconfd.log" 2>&1 & pids+=($!)
xfce4-panel >"$work/panel.log" 2>&1 & pids+=($!)

watcher() {
  gdbus call --session --dest org.kde.StatusNotifierWatcher --object-path /StatusNotifierWatcher \
    --method org.freedesktop.DBus.Properties.Get org.kde.StatusNotifierWatcher "$1" 2>/dev/null
}
fail() { echo "tray-sni.sh: FAILED: $*" >&2; echo "--- app log"; cat "$work/app.log" >&2 || true; exit 1; }

# Start the app right away, as a login autostart would: possibly before the panel is up.
"$root/app/target/dist/bin/wgdesk" tray --demo >"$work/app.log" 2>&1 & pids+=($!)
for _ in $(seq 120); do watcher RegisteredStatusNotifierItems | grep -q StatusNotifierItem- && break; sleep 0.25; done
watcher RegisteredStatusNotifierItems | grep -q StatusNotifierItem- || fail "the item never registered with the panel"
echo "ok: registered with the panel: $(watcher RegisteredStatusNotifierItems)"
sleep 2
xdotool search --name '^wgdesk$' >/dev/null 2>&1 && fail "a window opened at start (expected only the tray icon)"
echo "ok: started hidden"

# The icon sits at the right end of the panel.
icon_x=$(( $(xdotool getdisplaygeometry | cut -d' ' -f1) - 12 ))
xdotool mousemove "$icon_x" 16 click 3
sleep 1.5
xwd -root | convert xwd:- -crop 420x220+604+0 +repage "$out/tray-menu.png"
echo "ok: menu open, saved $out/tray-menu.png"
# Menu rows: status, home, office, ...; click "office" (third row) to activate it.
xdotool mousemove $((icon_x - 180)) 99 click 1
sleep 2
xdotool mousemove "$icon_x" 16 click 3
sleep 1.5
xwd -root | convert xwd:- -crop 420x220+604+0 +repage "$work/menu-after.png"
xdotool key Escape
item=$(watcher RegisteredStatusNotifierItems | grep -o "org.kde.StatusNotifierItem-[0-9]*-[0-9]*" | head -n 1)
gdbus call --session --dest "$item" --object-path /MenuBar --method com.canonical.dbusmenu.GetLayout 0 "int32 -1" "[]" \
  | grep -q "'label': <'office'>, 'enabled': <true>, 'visible': <true>, 'toggle-type': <'checkmark'>, 'toggle-state': <1>" \
  || fail "clicking office in the panel's menu did not check it"
echo "ok: clicking office in the panel's menu activated it (checked in the menu's layout)"
xdotool mousemove "$icon_x" 16 click 1
for _ in $(seq 40); do xdotool search --onlyvisible --name '^wgdesk$' >/dev/null 2>&1 && break; sleep 0.25; done
xdotool search --onlyvisible --name '^wgdesk$' >/dev/null 2>&1 || fail "a left click on the icon did not open the window"
echo "ok: a left click opened the window"
cp "$work/menu-after.png" "$out/tray-menu-after-click.png"
echo "tray-sni.sh: all checks passed; look at $out/tray-menu.png and tray-menu-after-click.png"
