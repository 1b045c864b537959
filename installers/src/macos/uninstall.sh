#!/bin/bash
# Removes wgdesk from this Mac. Installed as /Applications/wgdesk.app/Contents/Resources/uninstall.sh;
# run it as root:
#
#   sudo "/Applications/wgdesk.app/Contents/Resources/uninstall.sh" [--purge]
#
# Stops and unloads the helper (dev.wgdesk.helper; it takes its tunnels down, restoring routes
# and DNS, on SIGTERM), then removes the LaunchDaemon, the app, the logs, the socket directory,
# every user's "Start wgdesk at login" LaunchAgent, the command /usr/local/bin/wgdesk-engine (if it
# is still the link to the app's engine) and the package receipt. Without --purge the
# tunnels (/Library/Application Support/wgdesk: their private keys), the policy
# (/etc/wgdesk) and the group wgdesk stay, for a reinstall; --purge removes them too.
# WGDESK_ROOT prefixes every path (for the tests only). Not yet run on a Mac (the macOS CI job will).
set -u

ROOT=${WGDESK_ROOT:-}
LABEL=dev.wgdesk.helper
purge=0
case ${1:-} in
  --purge) purge=1 ;;
  "") ;;
  *) echo "usage: $0 [--purge]" >&2; exit 2 ;;
esac
if [[ -z $ROOT && $(id -u) != 0 ]]; then
  echo "wgdesk uninstall: run it as root: sudo \"$0\" $*" >&2
  exit 1
fi
status=0

# The helper first: launchd sends SIGTERM and waits for it (ExitTimeOut 30 s).
out=$(launchctl bootout "system/$LABEL" 2>&1)
rc=$?
if [[ $rc != 0 && $out != *"No such process"* && $out != *"Could not find service"* && $rc != 3 && $rc != 113 ]]; then
  echo "wgdesk uninstall: launchctl bootout system/$LABEL failed ($rc): $out" >&2
  status=1
fi
rm -f "$ROOT/Library/LaunchDaemons/$LABEL.plist"

# Login items (MacLoginItem writes ~/Library/LaunchAgents/dev.wgdesk.tray.plist).
for agent in "$ROOT"/Users/*/Library/LaunchAgents/dev.wgdesk.tray.plist "$ROOT"/var/root/Library/LaunchAgents/dev.wgdesk.tray.plist; do
  [[ -e $agent ]] && rm -f "$agent"
done

# The engine's command, if it is still postinstall's link into a wgdesk.app.
engine_link=$ROOT/usr/local/bin/wgdesk-engine
if [[ -L $engine_link && $(readlink "$engine_link") == */wgdesk.app/Contents/MacOS/wgdesk-engine ]]; then
  rm -f "$engine_link"
fi

rm -rf "$ROOT/Applications/wgdesk.app" "$ROOT/Library/Logs/wgdesk" "$ROOT/var/run/wgdesk"
pkgutil --forget dev.wgdesk >/dev/null 2>&1 || true

if [[ $purge == 1 ]]; then
  rm -rf "$ROOT/Library/Application Support/wgdesk" "$ROOT/etc/wgdesk"
  if dseditgroup -o read wgdesk >/dev/null 2>&1; then
    dseditgroup -o delete wgdesk || { echo "wgdesk uninstall: cannot delete the group wgdesk" >&2; status=1; }
  fi
  echo "wgdesk removed, with its tunnels, policy and group"
else
  echo "wgdesk removed; kept for a reinstall: /Library/Application Support/wgdesk (the tunnels, with"
  echo "their private keys), /etc/wgdesk and the group wgdesk. Remove them too with: sudo \"$0\" --purge"
fi
exit $status
