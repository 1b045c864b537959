#!/usr/bin/env bash
# Acceptance test of the wgdesk .rpm on a Debian machine (no RPM-based system needed): builds it,
# runs Debian's rpmlint on it with installers/src/linux/rpm/rpmlint.toml (every filter there says
# why), checks its metadata and scriptlets, installs it into a scratch root with rpm
# (--root DIR --nodeps --noscripts), checks the files it installed (rpm -V as well), runs the
# installed launcher from there, and removes it again.
#
#   bash installers/src/test/rpm-test.sh
#
# Environment:
#   WGDESK_RPM=FILE      test this .rpm instead of building one (./mvnw -B -DskipTests -Prpm package)
#   WGDESK_NATIVE=1      build with -Prpm,native and require the native wgdesk-engine in it
#   JAVA_HOME            the JDK 25 used to build (default /usr/lib/jvm/temurin-25-jdk-amd64)
#   WGDESK_TEST_STRICT=1 strict mode (.ci/run sets it): a check that cannot run FAILS, saying why
#
# Needs rpm (rpmbuild, rpm) and rpmlint: Debian's packages rpm and rpmlint (.ci/run installs them).
# The scratch root has no shell, so the scriptlets (which create the group wgdesk, the state
# directory and enable the service, as the .deb's maintainer scripts do) are not run there; they are
# checked with sh -n. No root needed; nothing outside a temporary directory changes.
#
# Ends with "N passed, N failed, N skipped"; exits 1 if anything failed.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
MAX_RPM_BYTES=$((80 * 1000 * 1000))

passed=0 failed=0 skipped=0
pass() { passed=$((passed + 1)); echo "PASS: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
case "${WGDESK_TEST_STRICT:-}" in 1|true) strict=yes ;; *) strict= ;; esac
skip() {
  if [ -n "$strict" ]; then
    failed=$((failed + 1)); echo "FAIL: (strict mode, WGDESK_TEST_STRICT=1: a check may not skip) $*"
  else
    skipped=$((skipped + 1)); echo "SKIP: $*"
  fi
}
check() {
  local what=$1
  shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}
finish() {
  echo "rpm-test: $passed passed, $failed failed, $skipped skipped"
  [ "$failed" -eq 0 ]
  exit
}

missing=()
for tool in rpmbuild rpm rpmlint; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ "${#missing[@]}" -gt 0 ]; then
  skip "the .rpm checks need ${missing[*]} (Debian: apt-get install --no-install-recommends rpm rpmlint)"
  finish
fi

work=$(mktemp -d /tmp/wgdesk-rpm-test.XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "== build"
if [ -n "${WGDESK_RPM:-}" ]; then
  rpmfile=$WGDESK_RPM
else
  export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
  profiles=rpm
  [ "${WGDESK_NATIVE:-}" = 1 ] && profiles=rpm,native
  (cd "$repo" && ./mvnw -B -q -DskipTests -P"$profiles" package) >"$work/build.log" 2>&1 \
    || { tail -n 40 "$work/build.log"; fail "the .rpm build failed"; finish; }
  rpmfile=$(ls "$repo"/installers/target/wgdesk-*.rpm 2>/dev/null | head -n 1)
fi
if [ ! -f "${rpmfile:-}" ]; then
  fail "no .rpm (looked for $repo/installers/target/wgdesk-*.rpm)"
  finish
fi
echo "package: $rpmfile"
q() { rpm -qp "$@" "$rpmfile" 2>/dev/null; }

echo "== package checks"
bytes=$(stat -c %s "$rpmfile")
check ".rpm is at most 80 MB ($bytes bytes)" test "$bytes" -le "$MAX_RPM_BYTES"
rpmlint -c "$repo/installers/src/linux/rpm/rpmlint.toml" "$rpmfile" >"$work/rpmlint.txt" 2>&1
lint_rc=$?
grep -E ': (E|W): |checked;' "$work/rpmlint.txt" | sed 's/^/  rpmlint: /'
check "rpmlint: no errors and no warnings left (justified filters in src/linux/rpm/rpmlint.toml)" \
  grep -q ' 0 errors, 0 warnings' "$work/rpmlint.txt"
check "rpmlint exits 0" test "$lint_rc" = 0
check "Name is wgdesk" test "$(q --qf '%{NAME}')" = wgdesk
for tag in VERSION RELEASE SUMMARY LICENSE URL PACKAGER DESCRIPTION; do
  v=$(q --qf "%{$tag}")
  check "tag $tag is set" test -n "$v" -a "$v" != "(none)"
done
check "requires iproute and shadow-utils" sh -c "rpm -qp --requires '$rpmfile' 2>/dev/null | grep -qx iproute && rpm -qp --requires '$rpmfile' 2>/dev/null | grep -qx shadow-utils"
check "provides nothing of the bundled runtime's libraries" sh -c "! rpm -qp --provides '$rpmfile' 2>/dev/null | grep -q '\\.so'"
check "/etc/wgdesk/helper.conf is %config(noreplace)" sh -c "rpm -qp --configfiles '$rpmfile' 2>/dev/null | grep -qx /etc/wgdesk/helper.conf"
# The scriptlets: syntax (they run on the target system, not in the scratch root).
rpm -qp --qf '%{PREIN}\n' "$rpmfile" >"$work/pre.sh" 2>/dev/null
rpm -qp --qf '%{POSTIN}\n' "$rpmfile" >"$work/post.sh" 2>/dev/null
rpm -qp --qf '%{PREUN}\n' "$rpmfile" >"$work/preun.sh" 2>/dev/null
rpm -qp --qf '%{POSTUN}\n' "$rpmfile" >"$work/postun.sh" 2>/dev/null
for s in pre post preun postun; do
  check "%$s scriptlet is present and valid sh" sh -c "test -s '$work/$s.sh' && ! grep -qx '(none)' '$work/$s.sh' && sh -n '$work/$s.sh'"
done
check "%pre adds the group wgdesk" grep -q 'groupadd --system wgdesk' "$work/pre.sh"
check "%post makes /var/lib/wgdesk private" grep -q 'chmod 0700 /var/lib/wgdesk' "$work/post.sh"

echo "== install into a scratch root"
root=$work/root
mkdir -p "$root"
if rpm --root "$root" --initdb && rpm --root "$root" --nodeps --noscripts -i "$rpmfile" >"$work/install.log" 2>&1; then
  pass "rpm --root $root --nodeps --noscripts -i installs it"
else
  cat "$work/install.log"
  fail "rpm --root --nodeps --noscripts -i failed"
  finish
fi
check "rpm -q knows it in the scratch root" sh -c "rpm --root '$root' -q wgdesk >/dev/null"
rpm --root "$root" -V --nodeps --noscripts wgdesk >"$work/verify.txt" 2>&1
verify_rc=$?
sed 's/^/  rpm -V: /' "$work/verify.txt"
check "rpm -V: every installed file matches the package (size, digest, mode)" test "$verify_rc" = 0
for f in /usr/lib/wgdesk/bin/wgdesk /usr/lib/wgdesk/bin/wgdesk-engine /usr/lib/wgdesk/lib/libapplauncher.so \
         /usr/lib/wgdesk/lib/runtime/lib/libjvm.so /usr/lib/wgdesk/lib/runtime/lib/server/libjvm.so \
         /usr/lib/wgdesk/lib/app/wgdesk.cfg /usr/lib/wgdesk/lib/app/wgdesk-engine-jvm.cfg /usr/lib/wgdesk/lib/app/wgdesk-helper.cfg \
         /usr/lib/systemd/system/wgdesk-helper.service /usr/share/applications/wgdesk.desktop \
         /usr/share/applications/wgdesk-import.desktop /etc/xdg/autostart/wgdesk-tray.desktop \
         /usr/share/mime/packages/wgdesk.xml /usr/share/icons/hicolor/scalable/apps/wgdesk.svg \
         /usr/share/icons/hicolor/48x48/apps/wgdesk.png /usr/share/man/man1/wgdesk.1.gz \
         /usr/share/man/man1/wgdesk-engine.1.gz /etc/wgdesk/helper.conf /usr/share/licenses/wgdesk/copyright; do
  case $f in
    */server/libjvm.so) [ -e "$root/usr/lib/wgdesk/lib/runtime/lib/libjvm.so" ] && continue ;;
    */runtime/lib/libjvm.so) [ -e "$root/usr/lib/wgdesk/lib/runtime/lib/server/libjvm.so" ] && continue ;;
  esac
  check "installed: $f" test -e "$root$f"
done
check "the app's jar is installed" sh -c "ls '$root'/usr/lib/wgdesk/lib/app/wgdesk-app-*.jar >/dev/null 2>&1"
for b in wgdesk wgdesk-engine; do
  check "/usr/bin/$b is a relative link to the launcher ($(readlink "$root/usr/bin/$b"))" \
    test "$(realpath "$root/usr/bin/$b")" = "$(realpath "$root/usr/lib/wgdesk/bin/$b")"
done
check "the launchers are executable" test -x "$root/usr/lib/wgdesk/bin/wgdesk" -a -x "$root/usr/lib/wgdesk/bin/wgdesk-engine"
check "the copyright file names ControlsFX and the runtime's licence" sh -c \
  "grep -q controlsfx '$root/usr/share/licenses/wgdesk/copyright' && grep -q 'Classpath' '$root/usr/share/licenses/wgdesk/copyright'"
# The installed program runs (from the scratch root, with its own runtime).
out=$("$root/usr/bin/wgdesk" --version 2>&1)
check "the installed wgdesk runs: --version says $(echo "$out" | head -n 1)" sh -c "echo '$out' | grep -q '^wgdesk '"
out=$("$root/usr/bin/wgdesk-engine" --version 2>&1)
check "the installed wgdesk-engine runs: --version says $(echo "$out" | head -n 1)" sh -c "echo '$out' | grep -qi 'wgdesk-engine'"
if [ "${WGDESK_NATIVE:-}" = 1 ] || [ -e "$root/usr/lib/wgdesk/bin/wgdesk-engine-native" ]; then
  check "wgdesk-engine is the native image: --version says $(echo "$out" | sed -n 3p)" grep -q ', native image\.$' <<<"$out"
  out=$("$root/usr/bin/wgdesk-engine-hotspot" --version 2>&1)
  check "wgdesk-engine-hotspot runs on the JVM: --version says $(echo "$out" | sed -n 3p)" grep -q ', JVM: .*VM\.$' <<<"$out"
  check "Requires names libz.so.1 (the native engine links zlib)" sh -c "rpm -qp --requires '$rpmfile' 2>/dev/null | grep -q '^libz\.so\.1'"
fi

echo "== remove"
check "rpm -e removes it" sh -c "rpm --root '$root' --nodeps --noscripts -e wgdesk >'$work/remove.log' 2>&1"
left=$(cd "$root" && find usr etc -mindepth 1 \( -type f -o -type l \) 2>/dev/null | head -n 5)
check "nothing of it is left in the scratch root${left:+: $left}" test -z "$left"

finish
