#!/usr/bin/env bash
# Acceptance test of the wgdesk .deb: builds it, checks it (lintian, unit, size), really
# installs it on this machine, checks what it installed, starts the installed helper by hand,
# upgrades (reinstalls) it, removes it, purges it, and compares a listing of /usr /etc /var/lib
# /opt taken before the installation with one taken after the purge.
#
# Root only, on Debian or Ubuntu. It changes the machine while it runs (installs the package's
# dependencies and test tools, which stay; adds and removes wgdesk, a test user and network
# namespaces) and refuses to run where wgdesk is already installed.
#
#   bash installers/src/test/install-test.sh
#
# Environment:
#   WGDESK_DEB=FILE   test this .deb instead of building one (./mvnw -B -DskipTests -Pdeb package)
#   WGDESK_NATIVE=1   build with -Pdeb,native (the native wgdesk-engine, app/src/native) and require
#                     that the package ships it; without it, a .deb with the native engine is still
#                     recognised (bin/wgdesk-engine-native in it) and checked as one
#   JAVA_HOME         the JDK 25 used to build (default /usr/lib/jvm/temurin-25-jdk-amd64)
#
#   WGDESK_TEST_STRICT=1  strict mode (.ci/run sets it): a check that cannot run FAILS, saying why
#
# Ends with "N passed, N failed, N skipped"; exits 1 if anything failed. Checks that need a
# part of wgdesk that is not implemented yet (the helper, `wgdesk --version` in the CLI, the
# wgdesk-engine launcher's main class) or a tool that is missing are skipped with a message saying
# so, and fail under strict mode.
#
# A group wgdesk that exists before the test (with its members) is left as it was: the package
# does not create it then, so purging does not delete it, and the test compares it after the purge.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
PKG=wgdesk
MAX_DEB_BYTES=$((80 * 1000 * 1000))
TEST_USER=wgdesk-install-test
NS_CLIENT=wgdtest-client
NS_PEER=wgdtest-peer
NS_QUICK=wgdtest-quick
NS_QSRV=wgdtest-qsrv

passed=0 failed=0 skipped=0
pass() { passed=$((passed + 1)); echo "PASS: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
case "${WGDESK_TEST_STRICT:-}" in 1|true) strict=yes ;; *) strict= ;; esac
skip() { # a check that cannot run here: skipped, or failed under strict mode
  if [ -n "$strict" ]; then
    failed=$((failed + 1)); echo "FAIL: (strict mode, WGDESK_TEST_STRICT=1: a check may not skip) $*"
  else
    skipped=$((skipped + 1)); echo "SKIP: $*"
  fi
}
check() { # check DESCRIPTION COMMAND...: pass if the command succeeds
  local what=$1
  shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}
die() { echo "install-test: $*" >&2; exit 2; }
eventually() { # eventually SECONDS COMMAND...: the command succeeds within SECONDS
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

[ "$(id -u)" = 0 ] || die "must run as root (it installs and removes the package)"
command -v dpkg >/dev/null && command -v apt-get >/dev/null || die "needs dpkg and apt-get (Debian or Ubuntu)"
if dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q 'installed\|config-files'; then
  if [ "${CI:-}" = true ]; then
    echo "install-test: purging the $PKG left by an earlier run (CI=true)"
    dpkg -P "$PKG" >/dev/null || die "could not purge $PKG"
  else
    die "$PKG is already installed here; purge it first (dpkg -P $PKG) to run this test"
  fi
fi
# Left over from an earlier run that was killed.
ip netns del "$NS_CLIENT" 2>/dev/null
ip netns del "$NS_PEER" 2>/dev/null
ip netns del "$NS_QUICK" 2>/dev/null
ip netns del "$NS_QSRV" 2>/dev/null
if getent passwd "$TEST_USER" >/dev/null; then userdel "$TEST_USER" || die "cannot delete the old user $TEST_USER"; fi

work=$(mktemp -d /tmp/wgdesk-install-test.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null && sleep 1
    kill -KILL "$pid" 2>/dev/null
  done
  ip netns del "$NS_CLIENT" 2>/dev/null
  ip netns del "$NS_PEER" 2>/dev/null
  ip netns del "$NS_QUICK" 2>/dev/null
  ip netns del "$NS_QSRV" 2>/dev/null
  if dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q 'installed\|config-files'; then
    echo "install-test: purging $PKG after an aborted run"
    dpkg -P "$PKG" >/dev/null 2>&1
  fi
  getent passwd "$TEST_USER" >/dev/null && userdel "$TEST_USER" 2>/dev/null
  if [ -d "$work/saved-var-lib-wgdesk" ]; then
    rm -rf /var/lib/wgdesk && mv "$work/saved-var-lib-wgdesk" /var/lib/wgdesk \
      && echo "install-test: restored the /var/lib/wgdesk that was there before the test"
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# ---------------------------------------------------------------------------------------------
echo "== tools"
export DEBIAN_FRONTEND=noninteractive
tools=(lintian desktop-file-utils shared-mime-info hicolor-icon-theme libglib2.0-bin systemd
  python3 iproute2 wireguard-tools wireguard-go xvfb xauth binutils dbus-daemon)
missing=()
for p in "${tools[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing ${missing[*]}"
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "could not install ${missing[*]}"
fi

# ---------------------------------------------------------------------------------------------
echo "== build"
if [ -n "${WGDESK_DEB:-}" ]; then
  deb=$WGDESK_DEB
else
  export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
  profiles=deb
  [ "${WGDESK_NATIVE:-}" = 1 ] && profiles=deb,native
  build_t0=$SECONDS
  (cd "$repo" && ./mvnw -B -q -DskipTests -P"$profiles" package) >"$work/build.log" 2>&1 \
    || { tail -n 40 "$work/build.log"; die "the build (-P$profiles) failed"; }
  echo "built with -P$profiles in $((SECONDS - build_t0)) s"
  grep '^== native .* done in\|^== native .* up to date' "$work/build.log" | sed 's/^/  /'

  deb=$(ls "$repo"/installers/target/wgdesk_*.deb 2>/dev/null | head -n 1)
fi
[ -f "$deb" ] || die "no .deb (looked for $repo/installers/target/wgdesk_*.deb)"
echo "package: $deb"
deb_version=$(dpkg-deb -f "$deb" Version)
app_version=${deb_version/\~snapshot/-SNAPSHOT}

# ---------------------------------------------------------------------------------------------
echo "== package checks"
deb_bytes=$(stat -c %s "$deb")
installed_kib=$(dpkg-deb -f "$deb" Installed-Size)
echo "size: .deb $deb_bytes bytes ($((deb_bytes / 1000000)) MB), installed $installed_kib KiB ($((installed_kib / 1024)) MiB)"
check ".deb is at most 80 MB ($deb_bytes bytes)" test "$deb_bytes" -le "$MAX_DEB_BYTES"

lintian --fail-on error --tag-display-limit 0 "$deb" >"$work/lintian.txt" 2>&1
lintian_rc=$?
grep -v "running with root privileges" "$work/lintian.txt" | sed 's/^/  lintian: /'
check "lintian reports no errors (overrides justified in src/linux/deb/lintian-overrides)" test "$lintian_rc" = 0

for field in Maintainer Description Homepage Depends Recommends Section Priority Installed-Size; do
  check "control field $field is set" test -n "$(dpkg-deb -f "$deb" "$field")"
done
dpkg-deb -c "$deb" >"$work/contents.txt"
check "the copyright file is in the package" grep -q ' ./usr/share/doc/wgdesk/copyright$' "$work/contents.txt"
# The native engine (-Pnative): bin/wgdesk-engine-native in the package.
native=
grep -q ' ./usr/lib/wgdesk/bin/wgdesk-engine-native$' "$work/contents.txt" && native=yes
echo "engine: $([ -n "$native" ] && echo "native image (bin/wgdesk-engine-native), HotSpot as wgdesk-engine-hotspot" || echo "HotSpot (no native image in the package)")"
if [ "${WGDESK_NATIVE:-}" = 1 ]; then
  check "the package ships the native engine (WGDESK_NATIVE=1)" test -n "$native"
fi
if [ -n "$native" ]; then
  check "Depends names zlib1g (the native engine links libz.so.1)" grep -q 'zlib1g' <<<"$(dpkg-deb -f "$deb" Depends)"
fi

# ---------------------------------------------------------------------------------------------
echo "== before: dependencies, test user, file listing"
depends=$(dpkg-deb -f "$deb" Depends)
apt-get satisfy -y -qq --no-install-recommends "$depends" >/dev/null 2>"$work/satisfy.err" \
  || { apt-get update -qq && apt-get satisfy -y -qq --no-install-recommends "$depends" >/dev/null 2>"$work/satisfy.err"; } \
  || { cat "$work/satisfy.err"; die "could not install the package's dependencies: $depends"; }
# Caches that triggers of other packages rewrite when wgdesk adds files: make them exist
# before the listing, so that the comparison sees only what the package leaves behind.
command -v update-desktop-database >/dev/null && update-desktop-database -q /usr/share/applications
command -v update-mime-database >/dev/null && update-mime-database /usr/share/mime
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t -f /usr/share/icons/hicolor
useradd --system --no-create-home --shell /usr/sbin/nologin "$TEST_USER" || die "cannot add user $TEST_USER"
# A group wgdesk made by the administrator before the package (name:x:gid:members), or empty.
group_before=$(getent group wgdesk)
echo "group wgdesk before the install: ${group_before:-(none)}"

listing() {
  # The package databases change by design; the shadow tools keep backups (group-, gshadow-).
  find /usr /etc /var/lib /opt -xdev \
    \( -path /var/lib/dpkg -o -path /var/lib/apt -o -path /var/lib/ucf -o -path /etc/group- \
       -o -path /etc/gshadow- -o -path /etc/passwd- -o -path /etc/shadow- \) -prune \
    -o -printf '%y %p\n' 2>/dev/null | LC_ALL=C sort
}
# State a helper run outside the package left (a development build's 'wgdesk helper' as root uses
# /var/lib/wgdesk too): set aside for the test, so that the purge check compares the package
# alone, and put back at the end.
if [ -d /var/lib/wgdesk ] && ! dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q 'installed\|config-files'; then
  echo "/var/lib/wgdesk exists without the package (a helper run outside it): set aside until the end"
  mv /var/lib/wgdesk "$work/saved-var-lib-wgdesk" || die "cannot set aside /var/lib/wgdesk"
fi
listing >"$work/before.txt"

# ---------------------------------------------------------------------------------------------
echo "== install"
if SUDO_USER=$TEST_USER dpkg -i "$deb" >"$work/install.log" 2>&1; then
  pass "dpkg -i $(basename "$deb")"
else
  cat "$work/install.log"
  fail "dpkg -i $(basename "$deb")"
  echo "$passed passed, $failed failed, $skipped skipped"
  exit 1
fi
sed 's/^/  dpkg: /' "$work/install.log"

check "/usr/bin/wgdesk links to the launcher" test "$(readlink -f /usr/bin/wgdesk)" = /usr/lib/wgdesk/bin/wgdesk
check "/usr/bin/wgdesk-engine links to the launcher" \
  test "$(readlink -f /usr/bin/wgdesk-engine)" = /usr/lib/wgdesk/bin/wgdesk-engine
actual_kib=$(du -sk /usr/lib/wgdesk | cut -f1)
echo "installed: /usr/lib/wgdesk is $actual_kib KiB ($((actual_kib / 1024)) MiB)"

# Runs a command where no JDK can be found: /usr/lib/jvm hidden by an empty tmpfs in a private
# mount namespace, an empty environment and a PATH of system directories only.
nojdk() {
  unshare -m -- sh -c '[ ! -d /usr/lib/jvm ] || mount -t tmpfs none /usr/lib/jvm || exit 125
    exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp LANG=C.UTF-8 "$@"' sh "$@"
}
if nojdk sh -c '! command -v java && ! ls /usr/lib/jvm/* ' >/dev/null 2>&1; then
  pass "a shell with /usr/lib/jvm hidden and no java on PATH can be made"
else
  fail "a shell with /usr/lib/jvm hidden and no java on PATH can be made (unshare -m)"
fi

# wgdesk --version, where no JDK can be found. Until the CLI implements --version, cli.Main
# answers "NOT IMPLEMENTED": that still shows that the launcher ran the app on the bundled runtime.
out=$(nojdk /usr/bin/wgdesk --version 2>&1)
rc=$?
echo "  wgdesk --version: $(head -n 1 <<<"$out") (exit $rc)"
if grep -q "NOT IMPLEMENTED" <<<"$out"; then
  pass "/usr/bin/wgdesk runs the app's main class on the bundled runtime without a JDK"
  skip "wgdesk --version: dev.wgdesk.app.cli.Main does not implement --version in this build"
else
  check "/usr/bin/wgdesk --version prints version $app_version and the build commit, using only the bundled runtime" \
    grep -Eqx "wgdesk ${app_version//./\\.} \(commit [0-9a-f]{7,40}(-dirty)?\)" <<<"$out"
  head_commit=$(git -C "$repo" rev-parse HEAD 2>/dev/null || true)
  built_commit=$(sed -n 's/^wgdesk [^ ]* (commit \([0-9a-f]*\).*/\1/p' <<<"$out")
  if [ -n "$head_commit" ] && [ -z "${WGDESK_DEB:-}" ]; then
    check "the build commit '$built_commit' is HEAD" test -n "$built_commit" -a "${head_commit#"$built_commit"}" != "$head_commit"
  else
    skip "build commit against HEAD: the package was not built from this work tree by this test"
  fi
fi
out=$(nojdk /usr/bin/wgdesk-engine --version 2>&1)
rc=$?
echo "  wgdesk-engine --version: $(head -n 1 <<<"$out") (exit $rc)"
if grep -q "Could not find or load main class dev.wgdesk.app.engine.EngineMain" <<<"$out"; then
  skip "wgdesk-engine --version: dev.wgdesk.app.engine.EngineMain is not in this build yet"
else
  check "/usr/bin/wgdesk-engine --version runs on the bundled runtime" test "$rc" = 0
fi

# Every ELF object finds the libraries it needs once the package's Depends are installed.
unresolved=
while IFS= read -r f; do
  missing_libs=$(LD_LIBRARY_PATH=/usr/lib/wgdesk/lib/runtime/lib:/usr/lib/wgdesk/lib/runtime/lib/server:/usr/lib/wgdesk/lib \
    ldd "$f" 2>/dev/null | grep 'not found' | awk '{print $1}' | paste -sd' ')
  [ -z "$missing_libs" ] || unresolved="$unresolved ${f#/usr/lib/wgdesk/}: $missing_libs;"
done < <(find /usr/lib/wgdesk -type f \( -name '*.so' -o -perm -u+x \) -exec sh -c 'head -c 4 "$1" | grep -q ELF && echo "$1"' _ {} \;)
check "every bundled ELF object resolves its libraries with the Depends installed${unresolved:+ (missing:$unresolved)}" \
  test -z "$unresolved"

if command -v xvfb-run >/dev/null && [ -x "${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/javac" ]; then
  fxjars=$(ls -d "$repo"/installers/target/javafx-app/javafx-*-linux.jar 2>/dev/null | head -n 1)
  fxdir=$([ -n "$fxjars" ] && echo "$repo/installers/target/javafx-app" || echo "$repo/installers/target/javafx-default")
  if ls "$fxdir"/javafx-controls-*-linux.jar >/dev/null 2>&1 \
     && "${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/javac" -d "$work/fx" \
        --module-path "$fxdir" --add-modules javafx.controls "$here/FxSmoke.java" 2>"$work/javac.err"; then
    out=$(HOME=$work nojdk xvfb-run -a /usr/lib/wgdesk/lib/runtime/bin/java -Djavafx.verbose=true \
      -cp "$work/fx" FxSmoke 2>&1)
    echo "$out" | grep -E 'FxSmoke:|Loaded .*libglass' | sed 's/^/  /'
    fx_ok() {
      grep -q "FxSmoke: window shown=true" <<<"$out" \
        && grep -q "Loaded /usr/lib/wgdesk/lib/runtime/lib/libglass.so" <<<"$out" \
        && ! grep -q openjfx/cache <<<"$out"
    }
    check "the bundled runtime shows a JavaFX window under Xvfb, loading JavaFX's libraries from itself" fx_ok
  else
    skip "JavaFX window check: no JavaFX jars in installers/target to compile the check against"
  fi
else
  skip "JavaFX window check: needs xvfb-run and a JDK to compile the check"
fi

# The AOT cache that build-image.sh made for the image at build time, at another path: the
# installed launcher uses it (the app's classes come from it, "source: shared objects file"),
# and the window shows sooner than with it turned off (-XX:AOTMode=off; figures only, not a
# check: this machine's load varies).
aot=/usr/lib/wgdesk/lib/app/wgdesk.aot
check "the package ships the AOT cache ${aot#/usr/lib/wgdesk/} ($(du -h "$aot" 2>/dev/null | cut -f1))" test -s "$aot"
if [ -s "$aot" ] && command -v xvfb-run >/dev/null; then
  ui_once() { # ui_once EXTRA_JVM_OPTIONS: the installed UI in demo mode, quitting once its window is shown
    mkdir -p "$work/uihome"
    nojdk env HOME="$work/uihome" JAVA_TOOL_OPTIONS="-Dwgdesk.startup.report=true -Dwgdesk.startup.exit=true $1" \
      timeout 120 xvfb-run -a /usr/bin/wgdesk ui --demo --no-tray 2>&1
  }
  out=$(ui_once -Xlog:class+load)
  shared=$(grep -c 'dev\.wgdesk\..* source: shared objects file' <<<"$out")
  from_jars=$(grep -c 'dev\.wgdesk\..* source: file:' <<<"$out")
  check "the installed UI loads its classes from the AOT cache ($shared from the cache, $from_jars from jars)" \
    test "$shared" -gt 0 -a "$from_jars" -lt "$shared"
  check "the installed UI shows its window with the AOT cache" grep -q 'window visible after' <<<"$out"
  aot_quiet() { ! grep -qE '\[(warning|error) *\]\[(aot|cds)' <<<"$out"; }
  check "the JVM reports no problem with the AOT cache" aot_quiet
  on= off=
  for _ in 1 2 3; do
    on="$on $(ui_once '' | sed -n 's/.*window visible after \([0-9]*\) ms.*/\1/p')"
    off="$off $(ui_once -XX:AOTMode=off | sed -n 's/.*window visible after \([0-9]*\) ms.*/\1/p')"
  done
  echo "  window visible after (ms since JVM start, 3 runs each): AOT cache:$on; -XX:AOTMode=off:$off"
fi

# The tray's D-Bus path works from the bundled runtime (dbus-java over the JDK's UNIX sockets,
# SASL EXTERNAL through jdk.security.auth): on a session bus with no tray host the app reports
# that it found no StatusNotifierItem host, not that it could not talk to the bus.
if command -v dbus-run-session >/dev/null && command -v xvfb-run >/dev/null; then
  mkdir -p "$work/uihome"
  out=$(nojdk env HOME="$work/uihome" JAVA_TOOL_OPTIONS="-Dwgdesk.tray=sni -Dwgdesk.tray.wait=0" \
    timeout 25 dbus-run-session -- xvfb-run -a /usr/bin/wgdesk ui --demo 2>&1)
  check "the installed app talks to the D-Bus session bus for its tray (no host there: window kept)" \
    grep -q 'no StatusNotifierItem host on the session bus' <<<"$out"
else
  skip "tray D-Bus check: needs dbus-run-session (dbus-daemon) and xvfb-run"
fi

for f in /usr/share/applications/wgdesk.desktop /usr/share/applications/wgdesk-import.desktop \
         /etc/xdg/autostart/wgdesk-tray.desktop; do
  check "desktop-file-validate $f" desktop-file-validate "$f"
done
check "the MIME type application/x-wireguard-config is in the MIME database" \
  test -f /usr/share/mime/application/x-wireguard-config.xml
mkdir -p "$work/files"
printf '[Interface]\nPrivateKey = %s\nAddress = 10.214.0.1/24\n\n[Peer]\nPublicKey = %s\nAllowedIPs = 10.214.0.2/32\n' \
  "$(wg genkey)" "$(wg genkey | wg pubkey)" >"$work/files/office.conf"
printf 'server {\n  listen 80;\n}\n' >"$work/files/nginx.conf"
if command -v gio >/dev/null; then
  type_of() { gio info -a standard::content-type "$1" 2>/dev/null | sed -n 's/^ *standard::content-type: //p'; }
  check "a WireGuard .conf is application/x-wireguard-config ($(type_of "$work/files/office.conf"))" \
    test "$(type_of "$work/files/office.conf")" = application/x-wireguard-config
  check "another .conf is not ($(type_of "$work/files/nginx.conf"))" \
    test "$(type_of "$work/files/nginx.conf")" != application/x-wireguard-config
  handlers=$(gio mime application/x-wireguard-config 2>/dev/null)
  check "wgdesk-import.desktop handles application/x-wireguard-config" grep -q wgdesk-import.desktop <<<"$handlers"
else
  skip "MIME detection: gio (libglib2.0-bin) not installed"
fi

unit=$(dpkg -L "$PKG" | grep '/systemd/system/wgdesk-helper.service$' | head -n 1)
check "the unit file is installed ($unit)" test -f "$unit"
check "the unit starts the helper's launcher" grep -qx 'ExecStart=/usr/lib/wgdesk/bin/wgdesk-helper helper' "$unit"
check "the unit lets the helper serve /run/wireguard/NAME.sock (wg show)" grep -q '^ReadWritePaths=.* -/run/wireguard' "$unit"
check "the helper's launcher has its AOT cache (trained at build time)" \
  grep -qx 'java-options=-XX:AOTCache=$APPDIR/wgdesk-helper.aot' /usr/lib/wgdesk/lib/app/wgdesk-helper.cfg
if [ -n "$native" ]; then
  check "wgdesk-engine-hotspot is the one-JVM shell launcher in front of wgdesk-engine-jvm" \
    sh -c 'head -n 1 /usr/lib/wgdesk/bin/wgdesk-engine-hotspot | grep -qx "#!/bin/sh" && test -x /usr/lib/wgdesk/bin/wgdesk-engine-jvm && test -L /usr/bin/wgdesk-engine-hotspot'
  check "wgdesk-engine is the native image's launcher in front of the ELF executable wgdesk-engine-native" \
    sh -c 'grep -q wgdesk-engine-native /usr/lib/wgdesk/bin/wgdesk-engine && head -c 4 /usr/lib/wgdesk/bin/wgdesk-engine-native | grep -q ELF'
  out=$(nojdk /usr/bin/wgdesk-engine --version 2>&1)
  echo "  wgdesk-engine --version (no JDK, no /usr/lib/jvm): $(sed -n 3p <<<"$out")"
  check "/usr/bin/wgdesk-engine --version says it is the native image" grep -q ', native image\.$' <<<"$out"
  out=$(nojdk /usr/bin/wgdesk-engine-hotspot --version 2>&1)
  echo "  wgdesk-engine-hotspot --version: $(sed -n 3p <<<"$out")"
  check "/usr/bin/wgdesk-engine-hotspot --version says it runs on the JVM (the bundled runtime)" grep -q ', JVM: .*VM\.$' <<<"$out"
else
  check "wgdesk-engine is the one-JVM shell launcher in front of wgdesk-engine-jvm" \
    sh -c 'head -n 1 /usr/lib/wgdesk/bin/wgdesk-engine | grep -qx "#!/bin/sh" && test -x /usr/lib/wgdesk/bin/wgdesk-engine-jvm'
fi

if command -v systemd-analyze >/dev/null; then
  if systemd-analyze verify "$unit" >"$work/verify.txt" 2>&1; then
    pass "systemd-analyze verify $unit"
  else
    sed 's/^/  /' "$work/verify.txt"
    fail "systemd-analyze verify $unit"
  fi
  systemd-analyze security --offline=yes "$unit" 2>/dev/null | grep 'Overall exposure' | sed 's/^/  /'
else
  skip "systemd-analyze verify: systemd-analyze not installed"
fi
check "the group wgdesk exists" sh -c "getent group wgdesk >/dev/null"
check "the installing user (SUDO_USER=$TEST_USER) is in group wgdesk" \
  sh -c "getent group wgdesk | cut -d: -f4 | tr ',' '\n' | grep -qx '$TEST_USER'"
check "/var/lib/wgdesk exists with mode 700" test "$(stat -c %a /var/lib/wgdesk 2>/dev/null)" = 700
check "the conffiles are installed" test -f /etc/wgdesk/helper.conf -a -f /etc/xdg/autostart/wgdesk-tray.desktop
check "the helper is enabled (multi-user.target.wants link)" \
  test -L /etc/systemd/system/multi-user.target.wants/wgdesk-helper.service

# ---------------------------------------------------------------------------------------------
echo "== the installed helper, started by hand (its unit's ExecStart line)"
helper_pid=
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
/usr/bin/wgdesk --help >"$work/help.txt" 2>&1
help_rc=$?
if [ "$help_rc" != 0 ] || grep -q "NOT IMPLEMENTED" "$work/help.txt" || ! grep -qw helper "$work/help.txt"; then
  skip "helper and tunnel checks: this build's 'wgdesk --help' has no helper command ($(head -n 1 "$work/help.txt"))"
else
  # What systemd would provide: the runtime directory; the state directory exists (postinst).
  mkdir -p /run/wgdesk
  chmod 0755 /run/wgdesk
  ip netns add "$NS_CLIENT" && ip netns add "$NS_PEER"
  ip link add wgdt-c type veth peer name wgdt-p
  ip link set wgdt-c netns "$NS_CLIENT"
  ip link set wgdt-p netns "$NS_PEER"
  ip -n "$NS_CLIENT" addr add 10.213.0.1/24 dev wgdt-c
  ip -n "$NS_PEER" addr add 10.213.0.2/24 dev wgdt-p
  for ns in "$NS_CLIENT" "$NS_PEER"; do
    ip -n "$ns" link set lo up
  done
  ip -n "$NS_CLIENT" link set wgdt-c up
  ip -n "$NS_PEER" link set wgdt-p up

  # The peer: wireguard-go in its own namespace.
  peer_key=$(wg genkey) client_key=$(wg genkey)
  peer_pub=$(wg pubkey <<<"$peer_key") client_pub=$(wg pubkey <<<"$client_key")
  WG_PROCESS_FOREGROUND=1 ip netns exec "$NS_PEER" wireguard-go wgdt0 >"$work/wireguard-go.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 50); do ip -n "$NS_PEER" link show wgdt0 >/dev/null 2>&1 && break; sleep 0.2; done
  printf '%s\n' "$peer_key" >"$work/peer.key"
  ip netns exec "$NS_PEER" wg set wgdt0 private-key "$work/peer.key" listen-port 51820 \
    peer "$client_pub" allowed-ips 10.214.0.1/32
  ip -n "$NS_PEER" addr add 10.214.0.2/24 dev wgdt0
  ip -n "$NS_PEER" link set wgdt0 up

  # The helper, as its unit starts it, in the client namespace.
  # shellcheck disable=SC2086
  ip netns exec "$NS_CLIENT" $exec_start >"$work/helper.log" 2>&1 &
  helper_pid=$!
  pids+=("$helper_pid")
  ipc() { python3 "$here/ipc.py" /run/wgdesk/helper.sock "$@"; }
  for _ in $(seq 150); do ipc list >/dev/null 2>&1 && break; sleep 0.2; done
  check "the helper answers on /run/wgdesk/helper.sock" ipc list
  check "the socket is 0660 root:wgdesk" test "$(stat -c '%a %U:%G' /run/wgdesk/helper.sock 2>/dev/null)" = "660 root:wgdesk"
  config=$(printf '[Interface]\nPrivateKey = %s\nAddress = 10.214.0.1/24\n\n[Peer]\nPublicKey = %s\nEndpoint = 10.213.0.2:51820\nAllowedIPs = 10.214.0.2/32\n' \
    "$client_key" "$peer_pub")
  params=$(python3 -c 'import json,sys; print(json.dumps({"name": "wgdtest", "config": sys.argv[1]}))' "$config")
  check "import a tunnel over IPC" ipc import "$params"
  check "activate it" ipc activate '{"name":"wgdtest"}'
  check "ping the wireguard-go peer through the tunnel" ip netns exec "$NS_CLIENT" ping -c 3 -W 2 -q 10.214.0.2
  check "wg on the peer shows a handshake with the helper's tunnel" \
    sh -c "ip netns exec '$NS_PEER' wg show wgdt0 latest-handshakes | awk '{print \$2}' | grep -qv '^0$'"
  check "wg show on the helper's tunnel (its /var/run/wireguard/wgdtest.sock) shows the handshake" \
    sh -c "wg show wgdtest latest-handshakes | grep -q '^$peer_pub\s[1-9]'"
fi

# ---------------------------------------------------------------------------------------------
echo "== wg-quick with the installed wgdesk-engine against wireguard-go"
# What a wg-quick user does: WG_QUICK_USERSPACE_IMPLEMENTATION=wgdesk-engine (found on PATH, in
# /usr/bin), no JDK on the machine (nojdk). A client namespace and a wireguard-go server namespace
# of their own; the engine process carrying the tunnel must be the package's (the native
# executable when the package has one).
if ! command -v wg-quick >/dev/null || ! command -v wireguard-go >/dev/null; then
  skip "wg-quick check: needs wg-quick (wireguard-tools) and wireguard-go"
else
  ip netns add "$NS_QUICK" && ip netns add "$NS_QSRV"
  ip link add wgdq-c type veth peer name wgdq-s
  ip link set wgdq-c netns "$NS_QUICK"
  ip link set wgdq-s netns "$NS_QSRV"
  ip -n "$NS_QUICK" addr add 10.213.1.1/24 dev wgdq-c
  ip -n "$NS_QSRV" addr add 10.213.1.2/24 dev wgdq-s
  for ns in "$NS_QUICK" "$NS_QSRV"; do ip -n "$ns" link set lo up; done
  ip -n "$NS_QUICK" link set wgdq-c up
  ip -n "$NS_QSRV" link set wgdq-s up
  qs_key=$(wg genkey) qc_key=$(wg genkey)
  qs_pub=$(wg pubkey <<<"$qs_key") qc_pub=$(wg pubkey <<<"$qc_key")
  WG_PROCESS_FOREGROUND=1 ip netns exec "$NS_QSRV" wireguard-go wgdq0 >"$work/wireguard-go-quick.log" 2>&1 &
  qs_pid=$!
  pids+=("$qs_pid")
  for _ in $(seq 50); do ip -n "$NS_QSRV" link show wgdq0 >/dev/null 2>&1 && break; sleep 0.2; done
  printf '%s\n' "$qs_key" >"$work/qs.key"
  ip netns exec "$NS_QSRV" wg set wgdq0 private-key "$work/qs.key" listen-port 51821 peer "$qc_pub" allowed-ips 10.215.0.1/32
  ip -n "$NS_QSRV" addr add 10.215.0.2/24 dev wgdq0
  ip -n "$NS_QSRV" link set wgdq0 up
  mkdir -p "$work/quick" && chmod 700 "$work/quick"
  printf '[Interface]\nPrivateKey = %s\nAddress = 10.215.0.1/24\n\n[Peer]\nPublicKey = %s\nEndpoint = 10.213.1.2:51821\nAllowedIPs = 10.215.0.2/32\n' \
    "$qc_key" "$qs_pub" >"$work/quick/wgdq1.conf"
  chmod 600 "$work/quick/wgdq1.conf"
  quick() { nojdk ip netns exec "$NS_QUICK" env WG_QUICK_USERSPACE_IMPLEMENTATION=wgdesk-engine timeout 60 wg-quick "$@" 2>&1; }
  out=$(quick up "$work/quick/wgdq1.conf")
  rc=$?
  sed 's/^/  | /' <<<"$out"
  check "wg-quick up with WG_QUICK_USERSPACE_IMPLEMENTATION=wgdesk-engine (no JDK on the machine)" test "$rc" = 0
  # The namespace's processes (the engine; its launcher's watcher may still be ending).
  exes= engine_exe=
  for p in $(ip netns pids "$NS_QUICK"); do
    e=$(readlink "/proc/$p/exe") || continue
    exes="$exes $e"
    case $e in /usr/lib/wgdesk/*) engine_exe=$e ;; esac
  done
  echo "  processes in the namespace run:${exes:- (none)}"
  if [ -n "$native" ]; then
    check "the tunnel is carried by the native executable (/proc/PID/exe: ${engine_exe:-none})" \
      test "$engine_exe" = /usr/lib/wgdesk/bin/wgdesk-engine-native
  else
    check "the tunnel is carried by the package's HotSpot engine (/proc/PID/exe: ${engine_exe:-none})" \
      sh -c "case '$engine_exe' in /usr/lib/wgdesk/*) exit 0 ;; *) exit 1 ;; esac"
  fi
  check "ping the wireguard-go server through the wg-quick tunnel" ip netns exec "$NS_QUICK" ping -c 3 -W 2 -q 10.215.0.2
  check "wg show on the wg-quick tunnel shows the handshake with wireguard-go" \
    sh -c "ip netns exec '$NS_QUICK' wg show wgdq1 latest-handshakes | grep -q '^$qs_pub\s[1-9]'"
  out=$(quick down "$work/quick/wgdq1.conf")
  rc=$?
  sed 's/^/  | /' <<<"$out"
  check "wg-quick down" test "$rc" = 0
  check "the engine exits and the interface is gone after wg-quick down" \
    eventually 10 sh -c "[ -z \"\$(ip netns pids '$NS_QUICK')\" ] && ! ip -n '$NS_QUICK' link show wgdq1 >/dev/null 2>&1"
  rm -f /var/run/wireguard/wgdq1.sock
  kill "$qs_pid" 2>/dev/null
  ip netns del "$NS_QUICK" 2>/dev/null
  ip netns del "$NS_QSRV" 2>/dev/null
fi

# ---------------------------------------------------------------------------------------------
echo "== upgrade (reinstall the same package): configs, state and group membership stay"
echo '# local change' >>/etc/wgdesk/helper.conf
echo keep >/var/lib/wgdesk/install-test-marker
gpasswd -d "$TEST_USER" wgdesk >/dev/null
if SUDO_USER=$TEST_USER dpkg -i "$deb" >"$work/upgrade.log" 2>&1; then
  pass "dpkg -i over the installed package"
else
  sed 's/^/  /' "$work/upgrade.log"
  fail "dpkg -i over the installed package"
fi
check "the edited conffile is kept" grep -qx '# local change' /etc/wgdesk/helper.conf
check "/var/lib/wgdesk is kept" test -f /var/lib/wgdesk/install-test-marker
check "a user the administrator took out of group wgdesk is not added back" \
  sh -c "! getent group wgdesk | cut -d: -f4 | tr ',' '\n' | grep -qx '$TEST_USER'"
if [ -n "$helper_pid" ]; then
  check "the helper (not run by systemd) keeps running across the upgrade" test -e "/proc/$helper_pid/exe"
fi

# ---------------------------------------------------------------------------------------------
echo "== remove: the helper stops and takes its tunnels down; configs and state stay"
if dpkg -r "$PKG" >"$work/remove.log" 2>&1; then pass "dpkg -r $PKG"; else sed 's/^/  /' "$work/remove.log"; fail "dpkg -r $PKG"; fi
sed 's/^/  dpkg: /' "$work/remove.log"
if [ -n "$helper_pid" ]; then
  # Gone or a zombie not yet reaped by this script: either way /proc/PID/exe cannot be read.
  check "prerm stopped the helper" sh -c "! readlink /proc/$helper_pid/exe >/dev/null 2>&1"
  # The kernel removes a TUN interface shortly after its last file descriptor is closed.
  if eventually 10 sh -c "! ip -n '$NS_CLIENT' -o link show | grep -q ': wgdtest[:@]'"; then
    pass "the tunnel interface is gone"
  else
    ip -n "$NS_CLIENT" -o link show | sed 's/^/  /'
    fail "the tunnel interface is gone"
  fi
fi
check "the program files are gone" test ! -e /usr/lib/wgdesk -a ! -e /usr/bin/wgdesk -a ! -e "$unit"
check "the conffiles are kept" test -f /etc/wgdesk/helper.conf
check "/var/lib/wgdesk is kept" test -f /var/lib/wgdesk/install-test-marker
check "the group is kept" sh -c "getent group wgdesk >/dev/null"

echo "== purge: nothing is left"
if dpkg -P "$PKG" >"$work/purge.log" 2>&1; then pass "dpkg -P $PKG"; else sed 's/^/  /' "$work/purge.log"; fail "dpkg -P $PKG"; fi
check "/var/lib/wgdesk is gone" test ! -e /var/lib/wgdesk
check "/etc/wgdesk is gone" test ! -e /etc/wgdesk
if [ -n "$group_before" ]; then
  # The package did not create it: purge keeps it, with the members it had (the test user was
  # added at install and taken out before the upgrade).
  group_after=$(getent group wgdesk)
  check "the group wgdesk that existed before the install is as it was ($group_before; now ${group_after:-gone})" \
    test "$group_after" = "$group_before"
else
  check "the group wgdesk is gone" sh -c '! getent group wgdesk'
fi
listing >"$work/after.txt"
if diff -u "$work/before.txt" "$work/after.txt" >"$work/listing.diff"; then
  pass "the listing of /usr /etc /var/lib /opt after the purge equals the one before the install"
else
  sed 's/^/  /' "$work/listing.diff" | head -n 60
  fail "the listing of /usr /etc /var/lib /opt after the purge equals the one before the install"
fi

echo
echo "package: $(basename "$deb"): $deb_bytes bytes, installed size $installed_kib KiB"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
