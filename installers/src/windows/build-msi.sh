#!/usr/bin/env bash
# Builds wgdesk's MSI on Windows (Git Bash on the runner) with jpackage and WiX:
#   build-msi.sh JAVA_HOME INPUT MAIN_JAR APP_VERSION WINTUN_DIR OUT  (WINTUN_DIR: wintun.dll and its licence)
# INPUT holds the app jar and its runtime dependencies (platform-windows and jna-platform among
# them, JavaFX's win jars). The image has two launchers next to the verified wintun.dll:
#   wgdesk.exe         the tray app (windowed; dev.wgdesk.app.cli.Main), on the Start menu, opens .conf files
#   wgdesk-cli.exe     the same Main with a console: the command line (wgdesk-cli list)
#   wgdesk-helper.exe  the service ("wgdesk-helper.exe" helper) and its registration (--install-service)
set -euo pipefail
[ "$#" -eq 6 ] || { echo "usage: $0 JAVA_HOME INPUT MAIN_JAR APP_VERSION WINTUN_DIR OUT" >&2; exit 2; }
java_home=$1 input=$2 main_jar=$3 app_version=$4 wintun_dir=$5 out=$6
wintun=$wintun_dir/wintun.dll
here=$(cd "$(dirname "$0")" && pwd)
[ -f "$wintun" ] || { echo "build-msi: $wintun is missing (platform-windows fetches it with -Dwintun.required=true)" >&2; exit 1; }
mkdir -p "$out"
# The JIT's compile commands of the helper launcher (wgdesk-helper.properties): the dist's list.
cp "$here/../../../app/src/dist/lib/wgdesk-compile-commands.txt" "$input/"
"$java_home/bin/jpackage" --type msi \
  --name wgdesk --app-version "${app_version%%-*}" --vendor wgdesk \
  --description "wgdesk: WireGuard tunnels for the desktop" \
  --input "$input" --main-jar "$main_jar" --main-class dev.wgdesk.app.cli.Main \
  --java-options "--add-exports java.base/sun.nio.ch=ALL-UNNAMED --enable-native-access=ALL-UNNAMED" \
  --add-launcher wgdesk-helper="$here/wgdesk-helper.properties" \
  --add-launcher wgdesk-cli="$here/wgdesk-cli.properties" \
  --app-content "$wintun,$wintun_dir/wintun-prebuilt-binaries-license.txt" \
  --resource-dir "$here" \
  --win-menu --win-menu-group wgdesk --win-shortcut-prompt \
  --win-upgrade-uuid 7d3c5d0e-5a0b-4f5e-9b7a-2f6c1e8a4b13 \
  --file-associations "$here/conf-association.properties" \
  --dest "$out"
