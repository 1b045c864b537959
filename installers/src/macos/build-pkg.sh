#!/usr/bin/env bash
# Builds wgdesk's macOS installer OUT/wgdesk-VERSION.pkg with jlink, jpackage and codesign
# (macOS only; run by installers/pom.xml, profile pkg):
#
#   build-pkg.sh JAVA_HOME INPUT JAVAFX_APP APP_VERSION MAIN_JAR MACOS_DIR LINUX_DIR OUT
#
# INPUT holds the app jar and its runtime dependencies without JavaFX, JAVAFX_APP the app's own
# org.openjfx jars (Maven resolves their mac or mac-aarch64 classifier on a Mac). The package
# installs /Applications/wgdesk.app:
#
#   Contents/MacOS/wgdesk                  the app: tray, window, CLI (dev.wgdesk.app.cli.Main)
#   Contents/MacOS/wgdesk-helper           the privileged helper's launcher (argument "helper")
#   Contents/MacOS/wgdesk-engine           the engine, a wireguard-go drop-in (dev.wgdesk.app.engine.
#                                          EngineMain); postinstall links /usr/local/bin/wgdesk-engine
#                                          to it for WG_QUICK_USERSPACE_IMPLEMENTATION=wgdesk-engine
#   Contents/Resources/dev.wgdesk.helper.plist   the LaunchDaemon, written to /Library/LaunchDaemons
#                                          by the postinstall (launchd/dev.wgdesk.helper.plist)
#   Contents/Resources/uninstall.sh        sudo it to remove wgdesk (--purge: tunnels and group too)
#   Contents/Resources/helper.conf         the policy's defaults, copied to /etc/wgdesk once
#   Contents/Resources/wgdeskTemplate*.png the menu-bar template icon (tray/)
#   Contents/app/native/libjnidispatch.jnilib   JNA's native part, signed with the bundle
#   Contents/runtime                       a jlink'd Java runtime with JavaFX; its bin/java stays:
#                                          the engine's daemon mode (Daemon.java; no setsid on a Mac)
#                                          starts java.home/bin/java
#
# The Info.plist (resources/Info.plist) sets LSUIElement: no Dock icon while only the menu-bar
# icon shows. The app is signed ad hoc (codesign -s -; Apple silicon runs no unsigned code), or
# with WGDESK_CODESIGN_IDENTITY; the .pkg itself is not signed (see the README: Gatekeeper's
# "Open Anyway"). preinstall/postinstall come from resources/. No launcher-as-service: jpackage
# would name the daemon <package>-<launcher> and its generated uninstaller would delete
# /Library/Application Support/<package>, the helper's state directory.
# Not yet run on a Mac: the macOS CI job (.github/workflows/build.yml) will be the first.
set -euo pipefail

die() { echo "build-pkg: $*" >&2; exit 1; }
[ "$#" -eq 8 ] || die "usage: $0 JAVA_HOME INPUT JAVAFX_APP APP_VERSION MAIN_JAR MACOS_DIR LINUX_DIR OUT"
java_home=$1 input=$2 javafx_app=$3 app_version=$4 main_jar=$5 macos=$6 linux=$7 out=$8
[ "$(uname -s)" = Darwin ] || die "the .pkg is built on macOS only; this is $(uname -s)"
jlink=$java_home/bin/jlink jpackage=$java_home/bin/jpackage jdeps=$java_home/bin/jdeps
[ -x "$jpackage" ] || die "no jpackage in $java_home (JDK 25 needed)"
[ -f "$input/$main_jar" ] || die "main jar $input/$main_jar is missing"
command -v codesign >/dev/null || die "codesign not found (Xcode command line tools)"

work=$out/pkg-work
rm -rf "$work"
mkdir -p "$work/javafx" "$out"

# JavaFX for this Mac's architecture.
shopt -s nullglob
fx_jars=("$javafx_app"/javafx-*-mac*.jar)
[ "${#fx_jars[@]}" -gt 0 ] || die "no javafx-*-mac*.jar in $javafx_app (does the app still depend on JavaFX?)"
cp "${fx_jars[@]}" "$work/javafx/"
fx_modules=
for jar in "$work"/javafx/*.jar; do
  name=$("$java_home/bin/jar" --describe-module --file "$jar" | sed -n '1s/@.*//p')
  [ -n "$name" ] || die "$jar is not a modular jar"
  fx_modules=$fx_modules,$name
done
fx_modules=${fx_modules#,}

# JDK modules: jdeps' list plus the ones used through reflection or service loading
# (as build-image.sh on Linux); jdk.net for SO_PEERCRED (getpeereid) on the helper's socket.
app_jars=("$input"/*.jar)
jdeps_modules=$("$jdeps" --ignore-missing-deps --multi-release 25 --print-module-deps \
  --module-path "$work/javafx" "${app_jars[@]}" 2>"$work/jdeps.err" | tail -n 1) \
  || die "jdeps failed: $(cat "$work/jdeps.err")"
[[ "$jdeps_modules" =~ ^[a-z0-9.,]+$ ]] || die "unexpected jdeps output: $jdeps_modules"
modules="$jdeps_modules,java.logging,java.management,java.naming,jdk.charsets,jdk.localedata,jdk.zipfs,jdk.naming.dns,jdk.unsupported,jdk.net,$fx_modules"
modules=$(tr ',' '\n' <<<"$modules" | grep -v '^$' | sort -u | paste -sd, -)
echo "build-pkg: runtime modules: $modules"
# No --strip-native-commands: bin/java must stay (checked in the app below).
"$jlink" --module-path "$work/javafx" --add-modules "$modules" \
  --strip-debug --no-header-files --no-man-pages \
  --exclude-resources='/javafx.*/*.dylib' \
  --output "$work/runtime"
for jar in "$work"/javafx/*.jar; do
  unzip -q -o -j "$jar" '*.dylib' -d "$work/runtime/lib" 2>/dev/null || true
done

# JNA's native part unpacked into the bundle, so codesign signs it with the app (JNA would
# otherwise unpack an unsigned copy to a cache directory at every start).
case "$(uname -m)" in
  arm64) jna_arch=darwin-aarch64 ;;
  x86_64) jna_arch=darwin-x86-64 ;;
  *) die "unsupported architecture $(uname -m)" ;;
esac
mkdir -p "$work/input/native"
cp -R "$input"/. "$work/input/"
dist_lib=$(cd "$(dirname "$0")/../../.." && pwd)/app/src/dist/lib
[ -f "$dist_lib/wgdesk-compile-commands.txt" ] || die "$dist_lib/wgdesk-compile-commands.txt is missing"
cp "$dist_lib/wgdesk-compile-commands.txt" "$work/input/"
jna_jar=$(ls "$input"/jna-[0-9]*.jar 2>/dev/null | head -n 1 || true)
[ -n "$jna_jar" ] || die "no jna-*.jar in $input"
unzip -q -o -j "$jna_jar" "com/sun/jna/$jna_arch/libjnidispatch.jnilib" -d "$work/input/native"

java_options=(--enable-native-access=ALL-UNNAMED -XX:+ExitOnOutOfMemoryError
  '-Djna.boot.library.path=$APPDIR/native'
  # The engine's data path stage boundaries, compiled on their own: the dist's list, copied into
  # the app next to the jars ($APPDIR) above.
  '-XX:CompileCommandFile=$APPDIR/wgdesk-compile-commands.txt')
cat > "$work/wgdesk-helper.properties" <<PROPS
main-class=dev.wgdesk.app.cli.Main
arguments=helper
java-options=${java_options[*]}
PROPS
# The engine's JVM: the memory defaults of the Linux image's bin/wgdesk-engine-jvm (serial collector,
# small heap with a 1 MiB young generation, small stacks, capped code cache), without
# -XX:TrimNativeHeapInterval: glibc only; elsewhere the JVM prints a warning at every start, into
# wg-quick's output. No shell launcher as on Linux: daemon mode is EngineMain's own (Daemon.java),
# which starts this runtime's bin/java with the same JVM options and class path.
cat > "$work/wgdesk-engine.properties" <<PROPS
main-class=dev.wgdesk.app.engine.EngineMain
java-options=${java_options[*]} -XX:+UseSerialGC -Xms8m -Xmn1m -Xmx256m -Xss512k -XX:ReservedCodeCacheSize=48m
PROPS

# The application icon from the Linux PNGs (iconutil wants an .iconset of these names).
icon_args=()
iconset=$work/wgdesk.iconset
mkdir -p "$iconset"
for s in 16 32 128 256 512; do
  cp "$linux/icons/png/${s}x${s}.png" "$iconset/icon_${s}x${s}.png"
  d=$((s * 2))
  [ -f "$linux/icons/png/${d}x${d}.png" ] && cp "$linux/icons/png/${d}x${d}.png" "$iconset/icon_${s}x${s}@2x.png"
done
if iconutil -c icns "$iconset" -o "$work/wgdesk.icns"; then
  icon_args=(--icon "$work/wgdesk.icns")
else
  echo "build-pkg: WARNING: iconutil failed: the app gets jpackage's default icon" >&2
fi

image=$work/image
jpackage_args=(--type app-image --dest "$image" --name wgdesk --app-version "$app_version"
  --vendor wgdesk --description "Desktop WireGuard client"
  --mac-package-identifier dev.wgdesk --mac-package-name wgdesk
  --input "$work/input" --main-jar "$main_jar" --main-class dev.wgdesk.app.cli.Main
  --runtime-image "$work/runtime" --resource-dir "$macos/resources" "${icon_args[@]}"
  --add-launcher "wgdesk-helper=$work/wgdesk-helper.properties"
  --add-launcher "wgdesk-engine=$work/wgdesk-engine.properties"
  --java-options -Dapple.awt.enableTemplateImages=true)
for o in "${java_options[@]}"; do
  jpackage_args+=(--java-options "$o")
done
"$jpackage" "${jpackage_args[@]}"
app=$image/wgdesk.app
[ -x "$app/Contents/MacOS/wgdesk" ] && [ -x "$app/Contents/MacOS/wgdesk-helper" ] && [ -x "$app/Contents/MacOS/wgdesk-engine" ] \
  || die "jpackage made no launchers in $app/Contents/MacOS"
[ -x "$app/Contents/runtime/Contents/Home/bin/java" ] \
  || die "$app/Contents/runtime/Contents/Home/bin/java is missing: wgdesk-engine's daemon mode starts it"
# The engine's class path: only the jars it loads classes from (wgdesk's, JNA, Bouncy Castle), as on
# Linux (build-image.sh): every ServiceLoader lookup opens each jar on the class path. jpackage
# writes one app.classpath line per jar. awk, not sed -i: BSD and GNU sed differ there.
engine_cfg=$app/Contents/app/wgdesk-engine.cfg
[ -f "$engine_cfg" ] || die "$engine_cfg is missing"
awk '!/^app\.classpath=/ || $0 ~ "^app\\.classpath=\\$APPDIR/(wgdesk-|jna-|bcprov-)[^/]*\\.jar$"' \
  "$engine_cfg" > "$work/engine.cfg" && cat "$work/engine.cfg" > "$engine_cfg" || die "cannot write $engine_cfg"
grep -q '^app\.classpath=\$APPDIR/wgdesk-app' "$engine_cfg" && grep -q '^app\.classpath=\$APPDIR/jna-' "$engine_cfg" \
  || die "$engine_cfg: the engine's class path lost its jars"
/usr/libexec/PlistBuddy -c 'Print :LSUIElement' "$app/Contents/Info.plist" | grep -qx true \
  || die "$app/Contents/Info.plist has no LSUIElement: resources/Info.plist was not used"

res=$app/Contents/Resources
cp "$macos/launchd/dev.wgdesk.helper.plist" "$res/"
cp "$macos/uninstall.sh" "$res/"
chmod 0755 "$res/uninstall.sh"
cp "$linux/etc/helper.conf" "$res/helper.conf"
# The Linux file's comments name systemctl and usermod: say the macOS way instead.
sed -i '' -e 's|read by wgdesk-helper.service when it starts|read by the wgdesk helper (launchd label dev.wgdesk.helper) when it starts|' \
  -e 's|systemctl restart wgdesk-helper.service|sudo launchctl kickstart -k system/dev.wgdesk.helper|' \
  -e 's|sudo usermod -aG wgdesk USER|sudo dseditgroup -o edit -a USER -t user wgdesk|' "$res/helper.conf"
cp "$macos/tray/wgdeskTemplate.png" "$macos/tray/wgdeskTemplate@2x.png" "$res/"

# Signed after every change to the bundle: ad hoc unless an identity is given.
identity=${WGDESK_CODESIGN_IDENTITY:--}
codesign --force --deep --timestamp=none --sign "$identity" "$app"
codesign --verify --deep --strict --verbose=2 "$app"
codesign -dv "$app" 2>&1 | sed 's/^/build-pkg: codesign: /'

"$jpackage" --type pkg --dest "$out" --name wgdesk --app-version "$app_version" --vendor wgdesk \
  --mac-package-identifier dev.wgdesk --mac-package-name wgdesk \
  --app-image "$app" --resource-dir "$macos/resources"
pkg=$(ls "$out"/wgdesk-*.pkg | head -n 1)
[ -f "$pkg" ] || die "jpackage made no .pkg in $out"
payload=$(pkgutil --payload-files "$pkg") || die "pkgutil --payload-files $pkg failed"
for launcher in wgdesk-helper wgdesk-engine; do
  grep -q "wgdesk.app/Contents/MacOS/$launcher\$" <<<"$payload" || die "$pkg does not contain the launcher $launcher"
done
echo "build-pkg: $pkg ($(du -h "$pkg" | cut -f1))"
