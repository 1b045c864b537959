#!/usr/bin/env bash
# app/src/native/build-native.sh: builds wgdesk-engine as a GraalVM native image (SubstrateVM),
# Linux x86-64, from artifacts this project's machines can reach, without a GraalVM distribution:
#   - the image builder (org.graalvm.nativeimage:svm $SVM_VERSION and its dependencies, among them
#     the Graal compiler) from Maven Central, run on the Temurin 25 JDK (JVMCI is in it);
#   - the JDK's static libraries (libjava.a, libnio.a, libnet.a, libzip.a ...) that an image links,
#     which Temurin does not ship, from Debian's openjdk-25-jvmci-jdk package (the JDK Debian
#     builds GraalVM with), taken with apt-get download through a private apt configuration and
#     checked against a pinned SHA-256 (JVMCI_SHA256);
#   - the builder's own C helpers (GraalVM's lib/svm/clibraries: CPU feature detection, locale,
#     signal dispatch, the JVM_* entry points the JDK libraries call), written for wgdesk in
#     app/src/native/*.c from the declarations in the svm sources (the C sources are not published
#     as artifacts). Their CPU-feature headers are generated from svm's sources jar at build time.
# The builder's image options are in app/src/native/image-options (the one list).
#
# Run by Maven's profile native (app/pom.xml: ./mvnw -B -Pnative package, after the dist is
# assembled; with -Pdeb,native or -Prpm,native the packages ship it, installers/pom.xml), or by
# hand (bench/native-engine.sh runs this script). What it gives and what is not done:
# docs/native-image.md.
#
#   build-native.sh              fetch what is missing, build (or say the image is up to date)
#   build-native.sh --fetch-only fetch the builder jars and the Debian package only
#
# Exit status: 0 built or up to date; 75 a download failed (the toolchain could not be fetched:
# network, Maven Central or Debian no longer serving the pinned version); 1 anything else (a
# missing tool, a checksum mismatch, the build failed).
#
# Needs: the dist (./mvnw -B -DskipTests package: the engine's jars in app/target/dist/lib),
# JDK 25 with jdk.internal.vm.ci (JAVA_HOME, default /usr/lib/jvm/temurin-25-jdk-amd64), gcc,
# binutils (ar), libc6-dev, zlib1g-dev, apt-get and dpkg-deb (Debian), unzip, network access to
# Maven Central and Debian (once: the downloads stay in $CACHE). The build takes 3-5 minutes on
# 2 cores and up to BUILD_XMX (3 GiB) of heap for the builder; both are printed at the end.
# Output: $OUT/bin/wgdesk-engine (the launcher, same command line as the JVM one) and
# $OUT/bin/wgdesk-engine-native (the executable, dynamically linked against glibc and zlib).
#
# Environment: JAVA_HOME, SVM_VERSION (25.0.2), JVMCI_DEB (the openjdk-25-jvmci-jdk version whose
# static libraries match SVM_VERSION: 25.0.2+10-1~deb13u2) and JVMCI_SHA256 (its .deb's SHA-256;
# change the three together), MARCH (compatibility: any x86-64; x86-64-v3 or native for newer
# CPUs), NATIVE_OPTS (extra image options for one build, split on white space, e.g.
# -H:-DeleteLocalSymbols to keep method symbols for perf; lasting ones go in image-options),
# BUILD_XMX (3g), OUT (app/target/native), CACHE (the downloads: $OUT/build), DIST (the
# jars: app/target/dist/lib), NATIVE_FORCE=1 (build even when up to date).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
SVM_VERSION=${SVM_VERSION:-25.0.2}
JVMCI_DEB=${JVMCI_DEB:-25.0.2+10-1~deb13u2}
JVMCI_SHA256=${JVMCI_SHA256:-665b17a3fc2b6ae4723467652bc43dc3b45350e07a5071dd562f7f052b50dafc}
MARCH=${MARCH:-compatibility}
BUILD_XMX=${BUILD_XMX:-3g}
OUT=${OUT:-$ROOT/app/target/native}
WORK=$OUT/build
CACHE=${CACHE:-$WORK}
DIST=${DIST:-$ROOT/app/target/dist/lib}
FETCH_ONLY=
[ "${1:-}" = --fetch-only ] && FETCH_ONLY=1
step() { echo "== native $(date -u +%H:%M:%S) $*"; }
die() { echo "build-native: ERROR: $*" >&2; exit 1; }
download_failed() {
  echo "build-native: DOWNLOAD FAILED: $*" >&2
  echo "build-native: the native image toolchain could not be fetched; nothing was built (exit 75)" >&2
  exit 75
}

# --- prerequisites: each missing piece named, with the package that brings it ---------------
[ "$(uname -sm)" = "Linux x86_64" ] || die "the native engine is built on Linux x86-64 only (this is $(uname -sm))"
missing=
for t in gcc:gcc ar:binutils apt-get:apt dpkg-deb:dpkg unzip:unzip sha256sum:coreutils python3:python3; do
  command -v "${t%%:*}" >/dev/null || missing="$missing ${t%%:*} (Debian package ${t##*:});"
done
[ -e /usr/include/stdio.h ] || missing="$missing the C library headers (Debian package libc6-dev);"
[ -e /usr/include/zlib.h ] || missing="$missing zlib.h (Debian package zlib1g-dev: the image links -lz);"
[ -z "$missing" ] || die "missing:$missing install them with apt-get install --no-install-recommends gcc binutils libc6-dev zlib1g-dev unzip"
[ -x "$JAVA_HOME/bin/java" ] || die "JAVA_HOME=$JAVA_HOME has no bin/java (a JDK 25 with JVMCI is needed: /usr/lib/jvm/temurin-25-jdk-amd64)"
"$JAVA_HOME/bin/java" --list-modules 2>/dev/null | grep -q '^jdk.internal.vm.ci@25' \
  || die "JAVA_HOME=$JAVA_HOME is not a JDK 25 with the module jdk.internal.vm.ci (JVMCI), which the image builder needs (Temurin 25 has it)"
mkdir -p "$WORK" "$CACHE" "$OUT/bin"

# --- downloads (kept in $CACHE) ----------------------------------------------------------------
step "builder jars (org.graalvm.nativeimage:svm:$SVM_VERSION) from Maven Central"
if [ ! -e "$CACHE/lib/svm-$SVM_VERSION.jar" ] || [ ! -e "$CACHE/sources/svm-$SVM_VERSION-sources.jar" ]; then
  rm -rf "$CACHE/lib.tmp"
  "$ROOT/mvnw" -B -q -f "$HERE/pom.xml" -Dsvm.version="$SVM_VERSION" dependency:copy-dependencies -DoutputDirectory="$CACHE/lib.tmp" \
    || download_failed "Maven could not resolve org.graalvm.nativeimage:svm:$SVM_VERSION and its dependencies (above)"
  "$ROOT/mvnw" -B -q -f "$HERE/pom.xml" dependency:copy -Dartifact="org.graalvm.nativeimage:svm:$SVM_VERSION:jar:sources" -DoutputDirectory="$CACHE/sources" \
    || download_failed "Maven could not resolve org.graalvm.nativeimage:svm:$SVM_VERSION:sources (above)"
  rm -rf "$CACHE/lib" && mv "$CACHE/lib.tmp" "$CACHE/lib"
fi

step "JDK static libraries from Debian's openjdk-25-jvmci-jdk $JVMCI_DEB (SHA-256 $JVMCI_SHA256)"
STATIC=$CACHE/static
if [ ! -e "$STATIC/libjava.a" ] || [ "$(cat "$STATIC/.deb-sha256" 2>/dev/null)" != "$JVMCI_SHA256" ]; then
  apt=$CACHE/apt
  rm -rf "$CACHE/deb" "$STATIC"
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$CACHE/deb"
  printf '%s\n' "deb http://deb.debian.org/debian trixie main" "deb http://deb.debian.org/debian-security trixie-security main" >"$apt/sources.list"
  aptc=(-o Dir::Etc::sourcelist="$apt/sources.list" -o Dir::Etc::sourceparts=- -o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache" -o APT::Sandbox::User=root)
  apt-get "${aptc[@]}" -qq update || download_failed "apt-get update of Debian trixie and trixie-security (deb.debian.org) failed"
  (cd "$CACHE/deb" && apt-get "${aptc[@]}" -qq download "openjdk-25-jvmci-jdk=$JVMCI_DEB") \
    || download_failed "apt-get download openjdk-25-jvmci-jdk=$JVMCI_DEB failed (Debian may have replaced that version: see JVMCI_DEB in $0)"
  deb=$(ls "$CACHE"/deb/openjdk-25-jvmci-jdk_*.deb)
  sum=$(sha256sum "$deb" | cut -d' ' -f1)
  [ "$sum" = "$JVMCI_SHA256" ] || die "checksum mismatch: $(basename "$deb") has SHA-256 $sum, the pinned JVMCI_SHA256 is $JVMCI_SHA256 (a different or corrupted package: not used)"
  echo "build-native: $(basename "$deb"): SHA-256 $sum matches the pin"
  dpkg-deb -x "$deb" "$CACHE/deb/x"
  mkdir -p "$STATIC.tmp"
  cp "$CACHE"/deb/x/usr/lib/jvm/java-25-openjdk-amd64-jvmci/lib/*.a "$STATIC.tmp/"
  echo "$JVMCI_SHA256" >"$STATIC.tmp/.deb-sha256"
  mv "$STATIC.tmp" "$STATIC"
  rm -rf "$CACHE/deb"
fi
[ -n "$FETCH_ONLY" ] && { step "fetched (--fetch-only): $CACHE"; exit 0; }

ls "$DIST"/wgdesk-*.jar >/dev/null 2>&1 || die "$DIST has no wgdesk jars: build the dist first (./mvnw -B -DskipTests package)"

# The image's class path: wgdesk's jars (not the macOS and Windows ones), JNA, Bouncy Castle.
cpjars=()
for jar in "$DIST"/wgdesk-*.jar "$DIST"/jna-*.jar "$DIST"/bcprov-*.jar; do
  case $jar in *wgdesk-platform-macos*|*wgdesk-platform-windows*) continue ;; esac
  cpjars+=("$jar")
done

# --- up to date? the jars' entries (name and CRC), this directory, the versions ------------------
stamp=$( { for jar in "${cpjars[@]}"; do echo "$(basename "$jar")"; unzip -v "$jar" | awk 'NR > 3 && length($7) == 8 && $7 ~ /^[0-9a-f]+$/ { print $7, $8 }'; done
           (cd "$HERE" && find . -type f | LC_ALL=C sort | xargs sha256sum)
           echo "$SVM_VERSION $JVMCI_SHA256 $MARCH ${NATIVE_OPTS:-} $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 2 | tr '\n' ' ')"; } | sha256sum | cut -d' ' -f1)
if [ "${NATIVE_FORCE:-}" != 1 ] && [ -x "$OUT/bin/wgdesk-engine-native" ] && [ "$(cat "$OUT/bin/.stamp" 2>/dev/null)" = "$stamp" ]; then
  install -m 755 "$HERE/wgdesk-engine" "$OUT/bin/wgdesk-engine"
  step "up to date (same jars, sources and versions as the last build): $OUT/bin/wgdesk-engine-native"
  exit 0
fi
rm -f "$OUT/bin/.stamp"

# The builder looks for its helpers under java.home (lib/svm/..., lib/static/...): a copy of
# JAVA_HOME with them added (JAVA_HOME itself is left alone).
step "builder JDK (a copy of $JAVA_HOME with lib/static and lib/svm added)"
JDK=$WORK/jdk
if [ ! -x "$JDK/bin/java" ] || [ "$(cat "$JDK/.source" 2>/dev/null)" != "$(readlink -f "$JAVA_HOME") $JVMCI_SHA256" ]; then
  rm -rf "$JDK" "$JDK.tmp"
  cp -a "$(readlink -f "$JAVA_HOME")" "$JDK.tmp"
  mkdir -p "$JDK.tmp/lib/static/linux-amd64/glibc" "$JDK.tmp/lib/svm/builder/lib"
  cp "$STATIC"/*.a "$JDK.tmp/lib/static/linux-amd64/glibc/"
  gcc -shared -fPIC -O2 -I"$JDK.tmp/include" -I"$JDK.tmp/include/linux" -o "$JDK.tmp/lib/svm/builder/lib/libreporterchelper.so" "$HERE/reporterchelper.c"
  echo "$(readlink -f "$JAVA_HOME") $JVMCI_SHA256" >"$JDK.tmp/.source"
  mv "$JDK.tmp" "$JDK"
fi

step "C helpers (liblibchelper.a, libjvm.a) and their headers"
CLIB=$WORK/clib
rm -rf "$CLIB" "$WORK/svmsrc" && mkdir -p "$CLIB/include" "$WORK/svmsrc"
(cd "$WORK/svmsrc" && "$JAVA_HOME/bin/jar" xf "$CACHE/sources/svm-$SVM_VERSION-sources.jar")
for a in amd64:AMD64 aarch64:AArch64 riscv64:RISCV64; do
  l=${a%%:*} u=${a##*:} f=$WORK/svmsrc/com/oracle/svm/core/$l/${u}LibCHelper.java
  { echo "/* generated by app/src/native/build-native.sh from ${u}LibCHelper.CPUFeatures (svm $SVM_VERSION) */"
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
"$JAVA_HOME/bin/javac" -d "$WORK/feature" -cp "$CACHE/lib/nativeimage-$SVM_VERSION.jar:$CACHE/lib/word-$SVM_VERSION.jar" \
  "$HERE/src/dev/wgdesk/nativeimage/JnaEngineFeature.java"

# The driver (native-image) is not on Maven Central: run the builder itself, with what the driver
# would pass: the builder modules on the module path (the Graal compiler upgrading the JDK's),
# JVMCI enabled, the JDK's internal packages exported to them, its class loader, and the
# build-time marker property.
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
mp=$(ls "$CACHE"/lib/*.jar | grep -v "/compiler-$SVM_VERSION.jar" | tr '\n' ':')
cp=$WORK/feature
for jar in "${cpjars[@]}"; do cp=$cp:$jar; done

# The image options: app/src/native/image-options (the one list), ${VAR} replaced.
image_opts=()
while IFS= read -r line; do
  case $line in ''|'#'*) continue ;; esac
  line=${line//'${MARCH}'/$MARCH}
  line=${line//'${CLIB}'/$CLIB}
  line=${line//'${WORK}'/$WORK}
  image_opts+=("$line")
done <"$HERE/image-options"
# shellcheck disable=SC2206 # NATIVE_OPTS is split on white space on purpose
image_opts+=(${NATIVE_OPTS:-})

# The builder JVM's own options (heap, collector, JVMCI); the image's options are in image-options.
builder_jvm_opts=(-Xmx"$BUILD_XMX" -XX:+UseParallelGC -XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI -XX:-UseJVMCICompiler)

step "native image (nice -n 15; a few minutes; builder heap at most $BUILD_XMX)"
rm -rf "$WORK/image" && mkdir -p "$WORK/image"
t0=$(date +%s)
# The builder runs under a small Python wrapper that prints its wall time, CPU time and peak
# resident memory (getrusage of the child) once it ends.
set +e
USAGE_FILE=$WORK/builder.usage nice -n 15 python3 -c '
import os, resource, subprocess, sys, time
t = time.monotonic()
rc = subprocess.call(sys.argv[1:])
u = resource.getrusage(resource.RUSAGE_CHILDREN)
open(os.environ["USAGE_FILE"], "w").write(
    "wall %.0f s, CPU %.0f s (user %.0f, system %.0f), builder peak RSS %.0f MiB\n"
    % (time.monotonic() - t, u.ru_utime + u.ru_stime, u.ru_utime, u.ru_stime, u.ru_maxrss / 1024))
sys.exit(rc)' "$JDK/bin/java" "${builder_jvm_opts[@]}" \
  @"$WORK/exports.args" \
  --add-exports=java.base/jdk.internal.module=$mods \
  --enable-native-access=ALL-UNNAMED,org.graalvm.nativeimage.builder,org.graalvm.nativeimage.base,org.graalvm.nativeimage.pointsto,jdk.graal.compiler \
  -Djava.system.class.loader=com.oracle.svm.hosted.NativeImageSystemClassLoader \
  -Dorg.graalvm.nativeimage.imagecode=buildtime -Djdk.vm.ci.services.aot=true \
  --upgrade-module-path "$CACHE/lib/compiler-$SVM_VERSION.jar" --module-path "$mp" \
  -m org.graalvm.nativeimage.builder/com.oracle.svm.hosted.NativeImageGeneratorRunner \
  -imagecp "$cp" -H:Path="$WORK/image" -H:ImageBuildID="$(cat /proc/sys/kernel/random/uuid)" \
  "${image_opts[@]}" \
  2>&1 | grep --line-buffered -v '^WARNING: Unknown module' | tee "$WORK/image.log"
rc=${PIPESTATUS[0]}
set -e
usage=$(cat "$WORK/builder.usage" 2>/dev/null || echo "no figures")
[ "$rc" = 0 ] && [ -x "$WORK/image/wgdesk-engine-native" ] \
  || die "the native image build failed (exit $rc; $usage): see $WORK/image.log"
install -m 755 "$WORK/image/wgdesk-engine-native" "$OUT/bin/wgdesk-engine-native"
install -m 755 "$HERE/wgdesk-engine" "$OUT/bin/wgdesk-engine"
# A smoke check: it runs, and says it is the native image.
ver=$("$OUT/bin/wgdesk-engine-native" --version 2>&1) || die "the built executable does not run: $ver"
grep -q 'native image' <<<"$ver" || die "the built executable's --version does not say 'native image': $ver"
echo "$stamp" >"$OUT/bin/.stamp"
step "done in $(( $(date +%s) - t0 )) s ($usage): $OUT/bin/wgdesk-engine ($(du -h "$OUT/bin/wgdesk-engine-native" | cut -f1) executable)"
