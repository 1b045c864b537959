#!/usr/bin/env bash
# Builds wgdesk's Linux application image with jlink and jpackage:
#
#   OUT/wgdesk/bin/wgdesk          jpackage launcher, main class dev.wgdesk.app.cli.Main
#   OUT/wgdesk/bin/wgdesk-engine   shell launcher (app/src/dist/bin/wgdesk-engine): daemon mode, one JVM
#   OUT/wgdesk/bin/wgdesk-engine-jvm  jpackage launcher, main class dev.wgdesk.app.engine.EngineMain
#   OUT/wgdesk/bin/wgdesk-helper   jpackage launcher of the helper (dev.wgdesk.app.cli.Main helper)
#   With WGDESK_NATIVE_ENGINE=DIR (installers/pom.xml, profile native: app/target/native):
#   OUT/wgdesk/bin/wgdesk-engine   the native image's launcher (app/src/native/wgdesk-engine)
#   OUT/wgdesk/bin/wgdesk-engine-native  the native image (GraalVM SubstrateVM executable)
#   OUT/wgdesk/bin/wgdesk-engine-hotspot the shell launcher above, in front of wgdesk-engine-jvm
#   OUT/wgdesk/lib/app/            the application jars, launcher configurations, native/
#   OUT/wgdesk/lib/runtime/        a jlink'd Java runtime that includes JavaFX
#
# Run by installers/pom.xml (profiles deb and rpm) with the directories it prepared:
#   build-image.sh JAVA_HOME INPUT JAVAFX_APP JAVAFX_DEFAULT APP_VERSION MAIN_JAR ICON OUT
# INPUT holds the app jar and its runtime dependencies without JavaFX. JavaFX comes from
# JAVAFX_APP (the app's own org.openjfx dependencies) when that holds any linux jars, else from
# JAVAFX_DEFAULT (the installers module's javafx.version). The platform jars of OpenJFX on Maven
# Central are modular jars, so jlink takes them from the module path; their native libraries
# are moved from the jars' resources into the runtime's lib/, where JavaFX loads them with
# System.loadLibrary, as it does from a runtime linked with OpenJFX's jmods.
# Extra JDK modules: WGDESK_JLINK_MODULES (comma separated) is added to the computed set.
set -euo pipefail

if [ "$#" -ne 8 ]; then
  echo "usage: $0 JAVA_HOME INPUT JAVAFX_APP JAVAFX_DEFAULT APP_VERSION MAIN_JAR ICON OUT" >&2
  exit 2
fi
java_home=$1 input=$2 javafx_app=$3 javafx_default=$4 app_version=$5 main_jar=$6 icon=$7 out=$8
jlink=$java_home/bin/jlink jpackage=$java_home/bin/jpackage jdeps=$java_home/bin/jdeps

die() { echo "build-image: $*" >&2; exit 1; }
[ -x "$jpackage" ] || die "no jpackage in $java_home (JDK 25 needed)"
[ -f "$input/$main_jar" ] || die "main jar $input/$main_jar is missing"

work=$out.work
rm -rf "$out" "$work"
mkdir -p "$out" "$work/javafx"

# JavaFX: the app's own version if it depends on JavaFX, otherwise the default one.
shopt -s nullglob
fx_jars=("$javafx_app"/javafx-*-linux.jar)
if [ "${#fx_jars[@]}" -eq 0 ]; then
  fx_jars=("$javafx_default"/javafx-*-linux.jar)
  echo "build-image: the app has no JavaFX dependency; bundling JavaFX from $javafx_default"
fi
[ "${#fx_jars[@]}" -gt 0 ] || die "no javafx-*-linux.jar found"
cp "${fx_jars[@]}" "$work/javafx/"
fx_modules=
for jar in "$work"/javafx/*.jar; do
  name=$("$java_home/bin/jar" --describe-module --file "$jar" | sed -n '1s/@.*//p')
  [ -n "$name" ] || die "$jar is not a modular jar"
  fx_modules=$fx_modules,$name
done
fx_modules=${fx_modules#,}

# JDK modules: the ones jdeps finds in the application's classes, plus ones used only through
# reflection or service loading (charsets, locale data, zip file system, DNS naming).
app_jars=("$input"/*.jar)
jdeps_modules=$("$jdeps" --ignore-missing-deps --multi-release 25 --print-module-deps \
  --module-path "$work/javafx" "${app_jars[@]}" 2>"$work/jdeps.err" | tail -n 1) \
  || die "jdeps failed: $(cat "$work/jdeps.err")"
[[ "$jdeps_modules" =~ ^[a-z0-9.,]+$ ]] || die "unexpected jdeps output: $jdeps_modules"
modules="$jdeps_modules,java.logging,java.management,java.naming,jdk.charsets,jdk.localedata,jdk.zipfs,jdk.naming.dns,jdk.unsupported,$fx_modules"
if [ -n "${WGDESK_JLINK_MODULES:-}" ]; then
  modules="$modules,$WGDESK_JLINK_MODULES"
fi
modules=$(tr ',' '\n' <<<"$modules" | grep -v '^$' | sort -u | paste -sd,)
echo "build-image: runtime modules: $modules"

# The runtime. bin/java stays (wgdesk-engine re-launches itself with it to become a daemon).
# The module image is not compressed: the package's xz compresses it to less than half of
# what jlink's zip-6 gives (measured: 18.7 MB from 103 MB, against 42 MB from 45 MB), and
# classes load faster from it.
"$jlink" --module-path "$work/javafx" --add-modules "$modules" \
  --strip-debug --no-header-files --no-man-pages --compress=zip-0 \
  --exclude-resources='/javafx.*/*.so' \
  --generate-cds-archive \
  --output "$work/runtime"
# The class-data sharing archive for heaps over 32 GB is not needed (14 MB).
rm -f "$work/runtime/lib/server/classes_nocoops.jsa"
for jar in "$work"/javafx/*.jar; do
  unzip -q -o -j "$jar" '*.so' -d "$work/runtime/lib" 2>/dev/null || true
done

# JNA's native part, unpacked once here rather than into /tmp at every start (which fails
# where /tmp is mounted noexec).
case "$(uname -m)" in
  x86_64) jna_arch=linux-x86-64 ;;
  aarch64) jna_arch=linux-aarch64 ;;
  *) jna_arch= ;;
esac
mkdir -p "$work/input"
cp -R "$input"/. "$work/input/"
dist_lib=$(cd "$(dirname "$0")/../../.." && pwd)/app/src/dist/lib
[ -f "$dist_lib/wgdesk-compile-commands.txt" ] || die "$dist_lib/wgdesk-compile-commands.txt is missing"
cp "$dist_lib/wgdesk-compile-commands.txt" "$work/input/"
# A signed jar's classes are left out of the AOT caches made below (the JVM skips them): they
# would be loaded, verified and interpreted at every start, and the signed manifest kept in the
# heap. installers/pom.xml strips Bouncy Castle's signature; say so if another one comes.
for jar in "$work"/input/*.jar; do
  if unzip -Z1 "$jar" 2>/dev/null | grep -qiE '^META-INF/[^/]+\.(SF|RSA|DSA|EC)$'; then
    echo "build-image: WARNING: $(basename "$jar") is signed: its classes stay out of the AOT caches (slower starts, more memory)" >&2
  fi
done
jna_jar=$(ls "$input"/jna-[0-9]*.jar 2>/dev/null | head -n 1 || true)
if [ -n "$jna_jar" ] && [ -n "$jna_arch" ]; then
  mkdir -p "$work/input/native"
  unzip -q -o -j "$jna_jar" "com/sun/jna/$jna_arch/libjnidispatch.so" -d "$work/input/native"
fi

java_options=(--enable-native-access=ALL-UNNAMED -XX:+ExitOnOutOfMemoryError
  '-Djna.boot.library.path=$APPDIR/native'
  # The engine's data path stage boundaries, compiled on their own: the dist's list, copied into
  # the image next to the jars ($APPDIR) above.
  '-XX:CompileCommandFile=$APPDIR/wgdesk-compile-commands.txt')
# The engine's JVM: bin/wgdesk-engine-jvm, started by the shell launcher bin/wgdesk-engine (the
# dist's, below), which does daemon mode with this one JVM (setsid, readiness over a FIFO)
# instead of the JVM starting a second one. Memory defaults as in the dist launcher.
cat > "$work/wgdesk-engine-jvm.properties" <<EOF
main-class=dev.wgdesk.app.engine.EngineMain
java-options=${java_options[*]} -XX:+UseSerialGC -Xms8m -Xmn1m -Xmx256m -Xss512k -XX:ReservedCodeCacheSize=48m -XX:TrimNativeHeapInterval=1000
EOF
# The helper's JVM (the systemd unit runs bin/wgdesk-helper helper): its own launcher so that it
# gets its own AOT cache (trained below on activations) and the helper's memory defaults of the
# dist launcher bin/wgdesk, instead of the UI's cache and options.
cat > "$work/wgdesk-helper.properties" <<EOF
main-class=dev.wgdesk.app.cli.Main
arguments=helper
java-options=${java_options[*]} -XX:+UseSerialGC -Xms8m -Xmx256m -XX:ReservedCodeCacheSize=48m -XX:TrimNativeHeapInterval=10000
EOF

jpackage_args=(--type app-image --dest "$out" --name wgdesk --app-version "$app_version"
  --vendor wgdesk --description "Desktop WireGuard client"
  --input "$work/input" --main-jar "$main_jar" --main-class dev.wgdesk.app.cli.Main
  --runtime-image "$work/runtime" --icon "$icon"
  --add-launcher "wgdesk-engine-jvm=$work/wgdesk-engine-jvm.properties"
  --add-launcher "wgdesk-helper=$work/wgdesk-helper.properties")
for o in "${java_options[@]}"; do
  jpackage_args+=(--java-options "$o")
done
"$jpackage" "${jpackage_args[@]}"

[ -x "$out/wgdesk/bin/wgdesk" ] && [ -x "$out/wgdesk/bin/wgdesk-engine-jvm" ] && [ -x "$out/wgdesk/bin/wgdesk-helper" ] \
  || die "jpackage made no launchers in $out/wgdesk/bin"
# The helper's class path without the jars only the UI uses (as bin/wgdesk does for the dist's
# helper): the JVM keeps the central directory of every jar it opened in memory, and service
# look-ups open every jar on the class path. dbus-java and SLF4J stay: on-demand asks
# NetworkManager over D-Bus. Before the helper's AOT training, which records
# this class path.
sed -i -E '/^app\.classpath=\$APPDIR\/(controlsfx|richtextfx|reactfx|undofx|flowless|wellbehavedfx|core)-[0-9][^\/]*\.jar$/d' \
  "$out/wgdesk/lib/app/wgdesk-helper.cfg"
# bin/wgdesk-engine: the dist's shell launcher, which in an image runs bin/wgdesk-engine-jvm.
engine_sh=$(cd "$(dirname "$0")/../../.." && pwd)/app/src/dist/bin/wgdesk-engine
[ -f "$engine_sh" ] || die "$engine_sh is missing"
install -m 0755 "$engine_sh" "$out/wgdesk/bin/wgdesk-engine"
# The engine's class path: only the jars it loads classes from (wgdesk's, JNA, Bouncy Castle), as
# bin/wgdesk-engine gives it in the dist: every ServiceLoader lookup opens each jar on the class
# path. jpackage writes one app.classpath line per jar.
engine_cfg=$out/wgdesk/lib/app/wgdesk-engine-jvm.cfg
sed -i -E '/^app\.classpath=\$APPDIR\/(wgdesk-[^/]*|jna-[^/]*|bcprov-[^/]*)\.jar$/!{/^app\.classpath=/d}' "$engine_cfg"
grep -q '^app\.classpath=\$APPDIR/wgdesk-app' "$engine_cfg" && grep -q '^app\.classpath=\$APPDIR/jna-' "$engine_cfg" \
  || die "$engine_cfg: the engine's class path lost its jars"
# Debian ships stripped executables and shared objects; the JDK's, jpackage's launchers and
# JNA's keep their symbol tables.
if command -v strip >/dev/null; then
  find "$out/wgdesk" -type f -exec sh -c 'head -c 4 "$1" | grep -q ELF' _ {} \; -print0 \
    | xargs -0 strip --strip-unneeded
else
  echo "build-image: strip not found (binutils): executables and shared objects stay unstripped" >&2
fi
rm -rf "$work"

# The AOT cache (JEP 483/514/515: classes loaded and linked ahead of time), which about halves
# the time to the window (bench/startup.sh). It is made here, on the final image (after strip),
# by one training run of the image's own launcher: the UI with its in-process demo helper, under
# Xvfb, quitting once the window is shown (-Dwgdesk.startup.exit, StartupTimer). It stays valid
# when the image is installed elsewhere (/usr/lib/wgdesk): the JVM matches the class path by its
# common prefix and the runtime by its modules file. The launcher (lib/app/wgdesk.cfg) uses it
# for every start of bin/wgdesk; a cache the JVM cannot use only costs a warning and the
# speed-up. Without xvfb-run, or with WGDESK_AOT=0, the image has no cache.
app=$out/wgdesk
cfg=$app/lib/app/wgdesk.cfg
if [ "${WGDESK_AOT:-1}" = 0 ]; then
  echo "build-image: WGDESK_AOT=0: no AOT cache"
elif ! command -v xvfb-run >/dev/null; then
  echo "build-image: WARNING: xvfb-run not found (Debian packages xvfb, xauth): no AOT cache; the app starts about twice as slowly" >&2
else
  [ -f "$cfg" ] && grep -q '^\[JavaOptions\]' "$cfg" || die "$cfg has no [JavaOptions] section"
  train=$(mktemp -d)
  # JAVA_TOOL_OPTIONS, not JDK_JAVA_OPTIONS: the JVM reads it, whatever the launcher.
  if HOME=$train XDG_CONFIG_HOME=$train XDG_CACHE_HOME=$train \
     JAVA_TOOL_OPTIONS="-XX:AOTCacheOutput=$app/lib/app/wgdesk.aot -Dwgdesk.startup.report=true -Dwgdesk.startup.exit=true" \
     timeout 300 xvfb-run -a -s "-screen 0 1280x1024x24" "$app/bin/wgdesk" ui --demo --no-tray >"$train/log" 2>&1 \
     && grep -q 'window visible after' "$train/log" && [ -s "$app/lib/app/wgdesk.aot" ]; then
    sed -i '/^\[JavaOptions\]/a java-options=-XX:AOTCache=$APPDIR/wgdesk.aot' "$cfg"
    echo "build-image: AOT cache lib/app/wgdesk.aot ($(du -h "$app/lib/app/wgdesk.aot" | cut -f1))"
  else
    grep -v '\[warning\]\[aot\] Skipping' "$train/log" | tail -n 20 >&2
    rm -f "$app/lib/app/wgdesk.aot"
    echo "build-image: WARNING: the AOT training run failed (above): no AOT cache" >&2
  fi
  rm -rf "$train"
fi

# The engine's AOT cache (lib/app/wgdesk-engine.aot, used by bin/wgdesk-engine-jvm through its
# launcher configuration): one training run of the image's engine in a private network namespace
# (unshare -n: its TUN and routes vanish with it), stopped with SIGTERM once its UAPI socket is
# up; the JVM writes the cache as it exits. It needs root and /dev/net/tun, so a build without
# them ships no engine cache: the engine then starts with the JDK's CDS archive only.
ecfg=$app/lib/app/wgdesk-engine-jvm.cfg
eaot=$app/lib/app/wgdesk-engine.aot
if [ "${WGDESK_AOT:-1}" = 0 ]; then
  :
elif [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null || [ ! -c /dev/net/tun ]; then
  echo "build-image: WARNING: not root, or no unshare or /dev/net/tun: no AOT cache for wgdesk-engine (it starts more slowly)" >&2
elif [ -f "$ecfg" ] && grep -q '^\[JavaOptions\]' "$ecfg"; then
  etrain=$(mktemp -d)
  ename=wgaot$$
  if JAVA_TOOL_OPTIONS="-XX:AOTCacheOutput=$eaot" LOG_LEVEL=error WG_PROCESS_FOREGROUND=1 timeout 300 unshare -n sh -c '
       "$1" -f "$2" & pid=$!
       i=0; while [ ! -S "/var/run/wireguard/$2.sock" ] && [ $i -lt 600 ] && kill -0 $pid 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
       kill $pid; wait $pid; exit 0' _ "$app/bin/wgdesk-engine" "$ename" >"$etrain/log" 2>&1 && [ -s "$eaot" ]; then
    sed -i '/^\[JavaOptions\]/a java-options=-XX:AOTCache=$APPDIR/wgdesk-engine.aot' "$ecfg"
    echo "build-image: AOT cache lib/app/wgdesk-engine.aot ($(du -h "$eaot" | cut -f1))"
  else
    tail -n 20 "$etrain/log" >&2
    rm -f "$eaot"
    echo "build-image: WARNING: the engine's AOT training run failed (above): no engine cache" >&2
  fi
  rm -f "/var/run/wireguard/$ename.sock"
  rm -rf "$etrain"
fi

# The helper's AOT cache (lib/app/wgdesk-helper.aot, used by bin/wgdesk-helper through its launcher
# configuration), trained on what a helper does: one training run of the image's helper in a
# private network namespace (unshare -n: its TUN devices and routes vanish with it) that imports
# two tunnels, each the other's peer over the loopback interface, brings both up, waits until
# their handshake completed (both roles of the handshake ran), brings them down and stops with
# SIGTERM; the JVM writes the cache as it exits. Like the engine's, it needs root and
# /dev/net/tun; without them the helper starts with the JDK's CDS archive only (its first
# activation then loads and interprets more: bench/activation.sh).
hcfg=$app/lib/app/wgdesk-helper.cfg
haot=$app/lib/app/wgdesk-helper.aot
if [ "${WGDESK_AOT:-1}" = 0 ]; then
  :
elif [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null || ! command -v ip >/dev/null || [ ! -c /dev/net/tun ]; then
  echo "build-image: WARNING: not root, or no unshare, ip or /dev/net/tun: no AOT cache for the helper (its first activation is slower)" >&2
elif [ -f "$hcfg" ] && grep -q '^\[JavaOptions\]' "$hcfg"; then
  htrain=$(mktemp -d)
  # Throw-away X25519 key pairs (base64, as in a configuration): wg's, else OpenSSL's.
  keypair() {
    if command -v wg >/dev/null; then
      k=$(wg genkey) && printf '%s %s\n' "$k" "$(printf '%s' "$k" | wg pubkey)"
    else
      openssl genpkey -algorithm X25519 -out "$htrain/k.pem" 2>/dev/null \
        && printf '%s %s\n' "$(openssl pkey -in "$htrain/k.pem" -outform DER | tail -c 32 | base64)" \
             "$(openssl pkey -in "$htrain/k.pem" -pubout -outform DER | tail -c 32 | base64)"
    fi
  }
  read -r ka pa < <(keypair || true)
  read -r kb pb < <(keypair || true)
  rm -f "$htrain/k.pem"
  printf '[Interface]\nPrivateKey = %s\nAddress = 10.203.0.1/32\nListenPort = 51901\n\n[Peer]\nPublicKey = %s\nAllowedIPs = 10.203.1.0/24\nEndpoint = 127.0.0.1:51902\nPersistentKeepalive = 25\n' \
    "$ka" "$pb" >"$htrain/wgaota.conf"
  printf '[Interface]\nPrivateKey = %s\nAddress = 10.203.1.1/32\nListenPort = 51902\n\n[Peer]\nPublicKey = %s\nAllowedIPs = 10.203.0.0/24\nEndpoint = 127.0.0.1:51901\nPersistentKeepalive = 25\n' \
    "$kb" "$pa" >"$htrain/wgaotb.conf"
  if [ -n "${pa:-}" ] && [ -n "${pb:-}" ] && timeout 300 unshare -n sh -c '
       app=$1 t=$2 aot=$3
       ip link set lo up || exit 1
       JAVA_TOOL_OPTIONS="-XX:AOTCacheOutput=$aot" "$app/bin/wgdesk-helper" helper --socket "$t/h.sock" \
         --state-dir "$t/state" --policy "$t/none.conf" >"$t/helper.log" 2>&1 & pid=$!
       i=0; while [ ! -S "$t/h.sock" ] && [ $i -lt 600 ] && kill -0 $pid 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
       cli() { "$app/bin/wgdesk" --socket "$t/h.sock" "$@" >>"$t/cli.log" 2>&1; }
       ok=0
       if cli import "$t/wgaota.conf" && cli import "$t/wgaotb.conf" && cli up wgaota && cli up wgaotb; then
         i=0; while [ "$(grep -c "First handshake" "$t/helper.log")" -lt 1 ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
         grep -q "First handshake" "$t/helper.log" && ok=1
         cli down wgaota; cli down wgaotb
       fi
       kill $pid; wait $pid
       [ $ok = 1 ]' _ "$app" "$htrain" "$haot" && [ -s "$haot" ]; then
    sed -i '/^\[JavaOptions\]/a java-options=-XX:AOTCache=$APPDIR/wgdesk-helper.aot' "$hcfg"
    echo "build-image: AOT cache lib/app/wgdesk-helper.aot ($(du -h "$haot" | cut -f1))"
  else
    tail -n 20 "$htrain/helper.log" "$htrain/cli.log" >&2 2>/dev/null
    rm -f "$haot"
    echo "build-image: WARNING: the helper's AOT training run failed (above): no helper cache" >&2
  fi
  rm -rf "$htrain"
fi

# The native engine (profile native), installed last: the AOT training runs above used the
# HotSpot engine's launcher, which stays as bin/wgdesk-engine-hotspot (it finds
# bin/wgdesk-engine-jvm beside itself); bin/wgdesk-engine, the name wg-quick users give in
# WG_QUICK_USERSPACE_IMPLEMENTATION, becomes the native image's launcher.
if [ -n "${WGDESK_NATIVE_ENGINE:-}" ]; then
  nbin=$WGDESK_NATIVE_ENGINE/bin
  [ -x "$nbin/wgdesk-engine-native" ] && [ -f "$nbin/wgdesk-engine" ] \
    || die "profile native: $nbin/wgdesk-engine-native is missing (the app module's profile native builds it: ./mvnw -B -Pdeb,native package, not -pl installers alone)"
  mv "$app/bin/wgdesk-engine" "$app/bin/wgdesk-engine-hotspot"
  install -m 0755 "$nbin/wgdesk-engine-native" "$app/bin/wgdesk-engine-native"
  install -m 0755 "$nbin/wgdesk-engine" "$app/bin/wgdesk-engine"
  # Debian ships stripped executables (the image has no debug information; its symbol table goes).
  if command -v strip >/dev/null; then strip --strip-unneeded "$app/bin/wgdesk-engine-native"; fi
  nver=$("$app/bin/wgdesk-engine-native" --version 2>&1) && grep -q 'native image' <<<"$nver" \
    || die "the native engine in the image does not run or does not say 'native image': $nver"
  echo "build-image: bin/wgdesk-engine is the native image ($(du -h "$app/bin/wgdesk-engine-native" | cut -f1)); the HotSpot engine is bin/wgdesk-engine-hotspot"
fi
echo "build-image: $out/wgdesk ($(du -sh "$out/wgdesk" | cut -f1))"
