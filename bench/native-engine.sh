#!/usr/bin/env bash
# bench/native-engine.sh: EXPERIMENTAL, opt-in. Builds wgdesk-engine as a GraalVM native image
# (SubstrateVM) from artifacts this project's machines can reach, without a GraalVM distribution:
#   - the image builder (org.graalvm.nativeimage:svm $SVM_VERSION and its dependencies, among them
#     the Graal compiler) from Maven Central, run on the Temurin 25 JDK (JVMCI is in it);
#   - the JDK's static libraries (libjava.a, libnio.a, libnet.a, libzip.a ...) that an image links,
#     which Temurin does not ship, from Debian's openjdk-25-jvmci-jdk package (the JDK Debian
#     builds GraalVM with), taken with apt-get download through a private apt configuration;
#   - the builder's own C helpers (GraalVM's lib/svm/clibraries: CPU feature detection, locale,
#     signal dispatch, the JVM_* entry points the JDK libraries call), written for this script in
#     bench/native/*.c from the declarations in the svm sources (the C sources are not published
#     as artifacts). Their CPU-feature headers are generated from svm's sources jar at build time.
# Not part of the default build, the packages or CI (a build takes several minutes and ~3 GiB).
# What was measured with it, and what is not done, is in docs/native-image.md.
#
# Needs: ./mvnw -B -DskipTests package first (it takes the engine's jars from app/target/dist/lib),
# JDK 25 with jdk.internal.vm.ci (JAVA_HOME, default /usr/lib/jvm/temurin-25-jdk-amd64), gcc, ar,
# zlib1g-dev, apt-get and dpkg-deb (Debian), network access to Maven Central and Debian.
# Output: app/target/native/bin/wgdesk-engine (the launcher, same command line as the JVM one)
# and app/target/native/bin/wgdesk-engine-native (the executable). Linux x86-64 only.
#
# Environment: JAVA_HOME, SVM_VERSION (25.0.2), JVMCI_DEB (the openjdk-25-jvmci-jdk version whose
# static libraries match SVM_VERSION: 25.0.2+10-1~deb13u2), MARCH (compatibility: any x86-64;
# x86-64-v3 or native for faster code on newer CPUs), NATIVE_OPTS (extra builder options, e.g.
# -H:-DeleteLocalSymbols to keep method symbols for perf), BUILD_XMX (3g), OUT (app/target/native),
# DIST (the jars: app/target/dist/lib).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HERE=$ROOT/bench/native
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
SVM_VERSION=${SVM_VERSION:-25.0.2}
JVMCI_DEB=${JVMCI_DEB:-25.0.2+10-1~deb13u2}
MARCH=${MARCH:-compatibility}
BUILD_XMX=${BUILD_XMX:-3g}
OUT=${OUT:-$ROOT/app/target/native}
WORK=$OUT/build
DIST=${DIST:-$ROOT/app/target/dist/lib}
step() { echo "== $(date -u +%H:%M:%S) $*"; }

[ "$(uname -sm)" = "Linux x86_64" ] || { echo "Linux x86-64 only"; exit 1; }
for t in gcc ar apt-get dpkg-deb; do command -v $t >/dev/null || { echo "$t is not installed"; exit 1; }; done
[ -e /usr/include/zlib.h ] || { echo "zlib1g-dev is not installed (the image links -lz)"; exit 1; }
"$JAVA_HOME/bin/java" --list-modules | grep -q '^jdk.internal.vm.ci@25' || { echo "$JAVA_HOME is not a JDK 25 with jdk.internal.vm.ci"; exit 1; }
ls "$DIST"/wgdesk-engine-*.jar >/dev/null 2>&1 || { echo "$DIST is missing: run ./mvnw -B -DskipTests package"; exit 1; }
mkdir -p "$WORK" "$OUT/bin"

step "builder jars (org.graalvm.nativeimage:svm:$SVM_VERSION) from Maven Central"
if [ ! -e "$WORK/lib/svm-$SVM_VERSION.jar" ]; then
  "$ROOT/mvnw" -B -q -f "$HERE/pom.xml" -Dsvm.version="$SVM_VERSION" dependency:copy-dependencies -DoutputDirectory="$WORK/lib"
  "$ROOT/mvnw" -B -q -f "$HERE/pom.xml" dependency:copy -Dartifact="org.graalvm.nativeimage:svm:$SVM_VERSION:jar:sources" -DoutputDirectory="$WORK/src"
fi

step "JDK static libraries from Debian's openjdk-25-jvmci-jdk $JVMCI_DEB"
STATIC=$WORK/static
if [ ! -e "$STATIC/libjava.a" ]; then
  apt=$WORK/apt
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$WORK/deb"
  printf '%s\n' "deb http://deb.debian.org/debian trixie main" "deb http://deb.debian.org/debian-security trixie-security main" >"$apt/sources.list"
  aptc=(-o Dir::Etc::sourcelist="$apt/sources.list" -o Dir::Etc::sourceparts=- -o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache" -o APT::Sandbox::User=root)
  apt-get "${aptc[@]}" -qq update
  (cd "$WORK/deb" && apt-get "${aptc[@]}" -qq download "openjdk-25-jvmci-jdk=$JVMCI_DEB")
  dpkg-deb -x "$WORK"/deb/openjdk-25-jvmci-jdk_*.deb "$WORK/deb/x"
  mkdir -p "$STATIC"
  cp "$WORK"/deb/x/usr/lib/jvm/java-25-openjdk-amd64-jvmci/lib/*.a "$STATIC/"
  rm -rf "$WORK/deb"
fi

# The builder looks for its helpers under java.home (lib/svm/..., lib/static/...): a copy of
# JAVA_HOME with them added (JAVA_HOME itself is left alone).
step "builder JDK (a copy of $JAVA_HOME with lib/static and lib/svm added)"
JDK=$WORK/jdk
if [ ! -x "$JDK/bin/java" ]; then
  cp -a "$(readlink -f "$JAVA_HOME")" "$JDK.tmp"
  mkdir -p "$JDK.tmp/lib/static/linux-amd64/glibc" "$JDK.tmp/lib/svm/builder/lib"
  cp "$STATIC"/*.a "$JDK.tmp/lib/static/linux-amd64/glibc/"
  gcc -shared -fPIC -O2 -I"$JDK.tmp/include" -I"$JDK.tmp/include/linux" -o "$JDK.tmp/lib/svm/builder/lib/libreporterchelper.so" "$HERE/reporterchelper.c"
  mv "$JDK.tmp" "$JDK"
fi

step "C helpers (liblibchelper.a, libjvm.a) and their headers"
CLIB=$WORK/clib
rm -rf "$CLIB" && mkdir -p "$CLIB/include" "$WORK/src/svm"
(cd "$WORK/src/svm" && [ -e com ] || "$JAVA_HOME/bin/jar" xf "../svm-$SVM_VERSION-sources.jar")
for a in amd64:AMD64 aarch64:AArch64 riscv64:RISCV64; do
  l=${a%%:*} u=${a##*:} f=$WORK/src/svm/com/oracle/svm/core/$l/${u}LibCHelper.java
  { echo "/* generated by bench/native-engine.sh from ${u}LibCHelper.CPUFeatures (svm $SVM_VERSION) */"
    echo "typedef struct {"
    grep -o 'boolean f[A-Za-z0-9_]*()' "$f" | sed 's/boolean \(.*\)()/  char \1;/'
    echo "} CPUFeatures;"; } >"$CLIB/include/${l}cpufeatures.h"
done
cp "$HERE/svm_locale.h" "$CLIB/include/"
gcc -c -O2 -fPIC -Wall -Wno-unused-parameter -I"$CLIB/include" -o "$CLIB/chelper.o" "$HERE/chelper.c"
gcc -c -O2 -fPIC -Wall -Wno-unused-parameter -o "$CLIB/jvm.o" "$HERE/jvm.c"
ar rcs "$CLIB/liblibchelper.a" "$CLIB/chelper.o"
ar rcs "$CLIB/libjvm.a" "$CLIB/jvm.o"

step "build-time registrations (JnaEngineFeature)"
rm -rf "$WORK/feature" && mkdir -p "$WORK/feature"
"$JAVA_HOME/bin/javac" -d "$WORK/feature" -cp "$WORK/lib/nativeimage-$SVM_VERSION.jar:$WORK/lib/word-$SVM_VERSION.jar" \
  "$HERE/src/dev/wgdesk/nativeimage/JnaEngineFeature.java"

# The driver (native-image) is not on Maven Central: run the builder itself, with what the driver
# would pass: the builder modules on the module path (the Graal compiler upgrading the JDK's),
# JVMCI enabled, the JDK's internal packages exported to them, its class loader, and the
# build-time marker property.
# Heap defaults baked into the image (-R:, overridable with -Xmx/-Xmn at run time): the JVM
# launcher's -Xmx256m, and a 4 MiB young generation; SubstrateVM's own defaults (80% of RAM, a
# tenth of it young) let 10,000 peers set through the UAPI leave 160 MiB resident, 91 with these
# (docs/native-image.md, "Native engine speed").
step "native image (nice -n 15; a few minutes)"
mods=org.graalvm.nativeimage.builder,org.graalvm.nativeimage.pointsto,org.graalvm.nativeimage.base,org.graalvm.nativeimage.objectfile,org.graalvm.nativeimage.configure,jdk.graal.compiler,org.graalvm.nativeimage.libgraal,org.graalvm.truffle.compiler,org.graalvm.espresso.shared.svm
cat >"$WORK/Exports.java" <<'JAVA'
import java.lang.module.ModuleFinder;
public class Exports {
    public static void main(String[] a) {
        ModuleFinder.ofSystem().findAll().stream().map(r -> r.descriptor())
            .filter(d -> !d.name().startsWith("jdk.graal"))
            .forEach(d -> d.packages().forEach(p -> System.out.println("--add-exports=" + d.name() + "/" + p + "=" + a[0])));
    }
}
JAVA
"$JAVA_HOME/bin/java" "$WORK/Exports.java" "$mods" >"$WORK/exports.args"
mp=$(ls "$WORK"/lib/*.jar | grep -v "/compiler-$SVM_VERSION.jar" | tr '\n' ':')
cp=$WORK/feature
for jar in "$DIST"/wgdesk-*.jar "$DIST"/jna-*.jar "$DIST"/bcprov-*.jar; do
  case $jar in *wgdesk-platform-macos*|*wgdesk-platform-windows*) continue ;; esac
  cp=$cp:$jar
done
rm -rf "$WORK/image" && mkdir -p "$WORK/image"
t0=$(date +%s)
nice -n 15 "$JDK/bin/java" -Xmx"$BUILD_XMX" -XX:+UseParallelGC -XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI -XX:-UseJVMCICompiler \
  @"$WORK/exports.args" \
  --add-exports=java.base/jdk.internal.module=$mods \
  --enable-native-access=ALL-UNNAMED,org.graalvm.nativeimage.builder,org.graalvm.nativeimage.base,org.graalvm.nativeimage.pointsto,jdk.graal.compiler \
  -Djava.system.class.loader=com.oracle.svm.hosted.NativeImageSystemClassLoader \
  -Dorg.graalvm.nativeimage.imagecode=buildtime -Djdk.vm.ci.services.aot=true \
  --upgrade-module-path "$WORK/lib/compiler-$SVM_VERSION.jar" --module-path "$mp" \
  -m org.graalvm.nativeimage.builder/com.oracle.svm.hosted.NativeImageGeneratorRunner \
  -imagecp "$cp" -H:Class=dev.wgdesk.app.engine.EngineMain -H:Name=wgdesk-engine-native -H:Path="$WORK/image" \
  -H:ImageBuildID="$(cat /proc/sys/kernel/random/uuid)" \
  -H:Features=dev.wgdesk.nativeimage.JnaEngineFeature -H:+InstallExitHandlers -H:+ReportExceptionStackTraces \
  -H:CLibraryPath="$CLIB" -H:-UseContainerSupport -H:MicroArchitecture="$MARCH" \
  -R:MaxHeapSize=256m -R:MaxNewSize=4m ${NATIVE_OPTS:-} \
  2>&1 | grep --line-buffered -v '^WARNING: Unknown module' | tee "$WORK/image.log"
[ -x "$WORK/image/wgdesk-engine-native" ] || { echo "native image build failed: $WORK/image.log"; exit 1; }
cp "$WORK/image/wgdesk-engine-native" "$OUT/bin/"
cp "$HERE/wgdesk-engine" "$OUT/bin/"
chmod 755 "$OUT/bin/wgdesk-engine" "$OUT/bin/wgdesk-engine-native"
step "done in $(( $(date +%s) - t0 )) s: $OUT/bin/wgdesk-engine ($(du -h "$OUT/bin/wgdesk-engine-native" | cut -f1) executable)"
