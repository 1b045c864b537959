#!/bin/sh
# Screenshots of the wgdesk tray app, for review: starts the app under Xvfb against the in-process
# demo helper (two tunnels, "home" active) and saves PNGs of the main window, the editor showing an
# error, and the log view, each in light and dark:
#   main-window.png  editor-error.png  log-view.png  (and *-dark.png)
# Usage: app/src/test/screenshots/screenshots.sh [OUTPUT_DIR]   (default: app/src/test/screenshots/png)
# Needs: JDK 25, xvfb + xauth (Debian: apt-get install xvfb xauth fonts-dejavu-core libgtk-3-0 libxtst6 libxxf86vm1 libgl1).
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
cd "$root"
xvfb-run -a -s "-screen 0 1280x900x24" ./mvnw -B -q -pl app -am test \
    -Dtest=ScreenshotTest -Dsurefire.failIfNoSpecifiedTests=false -Dwgdesk.screenshots="$out"
echo "screenshots written to $out:"
ls -1 "$out"
