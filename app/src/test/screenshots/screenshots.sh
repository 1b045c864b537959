#!/bin/sh
# Screenshots of the wgdesk tray app, for review. As root, starts the real helper (in the test JVM)
# on a temporary socket with two tunnels, "home" and "office", with "home" active on a real TUN
# interface against a wireguard-go peer in a network namespace this run creates (a veth pair; only
# 10.213.0.0/24 and 10.213.250.0/30 are routed, nothing else of the host changes), pings through
# the tunnel so the detail shows a real handshake and transfer, and starts the app under Xvfb
# against that helper. Not root: falls back to the in-process demo helper, and says so loudly.
# A third tunnel, "backup", goes to the same peer, which does not have its key (its diagnosis: no-reply).
# Saves PNGs of the main window, the diagnosis, its QR code view, the editor showing an error, and the log view, light and dark:
#   main-window.png  diagnosis.png  qr-code.png  editor-error.png  log-view.png  (and *-dark.png)
# Usage: app/src/test/screenshots/screenshots.sh [OUTPUT_DIR]   (default: app/src/test/screenshots/png)
# Needs: JDK 25, xvfb + xauth (Debian: apt-get install xvfb xauth fonts-dejavu-core libgtk-3-0 libxtst6 libxxf86vm1 libgl1);
# for the real helper also root, iproute2, wireguard-tools, wireguard-go, iputils-ping and /dev/net/tun.
# The PNGs are written with JavaFX's own snapshot API (ScreenshotTest), so no ImageMagick is needed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
out=${1:-$here/png}
mkdir -p "$out"
out=$(cd "$out" && pwd)
if [ -z "${JAVA_HOME:-}" ] && [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then
    JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
    export JAVA_HOME
fi
if ! command -v xvfb-run >/dev/null 2>&1; then
    echo "screenshots.sh: xvfb-run not found; install the Debian packages xvfb and xauth" >&2
    exit 1
fi

real=yes
why=
if [ "$(id -u)" != 0 ]; then
    real=no why="not root"
elif [ ! -e /dev/net/tun ]; then
    real=no why="/dev/net/tun is missing"
else
    for tool in ip wg wireguard-go ping; do
        if ! command -v "$tool" >/dev/null 2>&1; then
            real=no why="$tool is not installed"
            break
        fi
    done
fi
if [ "$real" = no ]; then
    cat >&2 <<EOF

**************************************************************************
*  screenshots.sh: $why.
*  FALLING BACK TO THE DEMO HELPER: these screenshots show the in-process
*  fake (DemoData), NOT the real helper and a real WireGuard peer.
*  Run as root (with wireguard-go installed) for the real thing.
**************************************************************************

EOF
fi

# The test records what it creates here (namespace, veth, wireguard-go pid); if the JVM dies
# before cleaning up, this trap removes them.
run=$(mktemp -d "${TMPDIR:-/tmp}/wgdesk-shots-run.XXXXXX")
cleanup() {
    if [ -s "$run/wireguard-go.pid" ]; then
        pid=$(cat "$run/wireguard-go.pid")
        if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q wireguard-go; then
            kill "$pid" 2>/dev/null || true
        fi
    fi
    if [ -s "$run/netns" ]; then
        ip netns del "$(cat "$run/netns")" 2>/dev/null || true
    fi
    if [ -s "$run/link" ]; then
        ip link del dev "$(cat "$run/link")" 2>/dev/null || true
    fi
    rm -rf "$run"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

cd "$root"
xvfb-run -a -s "-screen 0 1280x900x24" ./mvnw -B -q -pl app -am test \
    -Dtest=ScreenshotTest -Dsurefire.failIfNoSpecifiedTests=false -Dwgdesk.screenshots="$out" \
    -Dwgdesk.screenshots.run="$run"
if [ "$real" = yes ]; then
    echo "screenshots (real helper, wireguard-go peer) written to $out:"
else
    echo "screenshots (DEMO helper: $why) written to $out:"
fi
ls -1 "$out"
