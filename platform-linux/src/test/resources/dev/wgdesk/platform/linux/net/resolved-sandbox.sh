#!/usr/bin/env bash
# Runs as process 1 of private PID, mount and network namespaces made by ResolvedDnsTest
# (unshare --mount --net --pid --fork --mount-proc --kill-child): starts a private system D-Bus
# and the systemd-resolved unpacked by fetch-resolved.sh, then waits. Killing this process kills
# both and removes the namespaces with every interface in them; nothing outside changes.
#
# Usage: resolved-sandbox.sh ROOT STATE   (ROOT: the unpacked packages; STATE: an empty directory
# for the bus config, the logs, and the "ready" or "failed" marker the test waits for)
set -uo pipefail
root=$1
state=$2
fail() { echo "$*" >"$state/failed"; exit 1; }

[ "$$" = 1 ] || fail "not process 1 of a PID namespace"
mount --make-rprivate / || fail "mount --make-rprivate / failed"
# Private /run/dbus, /run/systemd and /etc/resolv.conf: the host's are never touched.
mount -t tmpfs -o mode=755 wgdesk-test /run/dbus || fail "cannot mount a tmpfs on /run/dbus"
mount -t tmpfs -o mode=755 wgdesk-test /run/systemd || fail "cannot mount a tmpfs on /run/systemd"
echo "# wgdesk ResolvedDnsTest: no global DNS servers" >"$state/resolv.conf"
mount --bind "$state/resolv.conf" /etc/resolv.conf || fail "cannot bind-mount a private /etc/resolv.conf"
ip link set lo up || fail "ip link set lo up failed"

# A system bus that lets anyone own the resolver's name and talk to it; resolved itself
# authorizes the link settings (CAP_NET_ADMIN of the caller, or polkit).
cat >"$state/system-bus.conf" <<XML
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=/run/dbus/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="org.freedesktop.resolve1"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
XML
dbus-daemon --config-file="$state/system-bus.conf" --nofork --nopidfile >"$state/dbus.log" 2>&1 &
for _ in $(seq 100); do [ -S /run/dbus/system_bus_socket ] && break; sleep 0.1; done
[ -S /run/dbus/system_bus_socket ] || fail "dbus-daemon did not start: $(cat "$state/dbus.log")"

# As systemd starts it (User=systemd-resolve, AmbientCapabilities=...), but as "nobody": no
# systemd-resolve user is needed on the host. Started as root it would look that user up.
mkdir -p /run/systemd/resolve && chown 65534:65534 /run/systemd/resolve
libdir=$(find "$root" -name 'libsystemd-shared-*.so' -printf '%h' -quit)
LD_LIBRARY_PATH=$libdir SYSTEMD_LOG_LEVEL=debug setpriv --reuid=65534 --regid=65534 --clear-groups \
  --inh-caps=+net_bind_service,+net_raw,+setpcap --ambient-caps=+net_bind_service,+net_raw,+setpcap \
  "$root/lib/systemd/systemd-resolved" >"$state/resolved.log" 2>&1 &
resolved=$!
for _ in $(seq 100); do
  [ -S /run/systemd/resolve/io.systemd.Resolve ] && grep -q 'Successfully acquired requested service name' "$state/resolved.log" && break
  kill -0 "$resolved" 2>/dev/null || fail "systemd-resolved exited: $(tail -20 "$state/resolved.log")"
  sleep 0.1
done
[ -S /run/systemd/resolve/io.systemd.Resolve ] || fail "systemd-resolved did not start: $(tail -20 "$state/resolved.log")"
touch "$state/ready"
wait
