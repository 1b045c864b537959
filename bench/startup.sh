#!/usr/bin/env bash
# bench/startup.sh: time from starting wgdesk's UI to its window being visible, for several JVM
# set-ups, run interleaved under one Xvfb server.
#
# Each run starts `wgdesk ui --demo --no-tray` (an in-process fake helper: no service needed)
# with -Dwgdesk.startup.report=true -Dwgdesk.startup.exit=true, so that StartupTimer prints
# "window visible after N ms (JVM start)" after the first frame of the main window and the app
# exits. Two figures per run: "wall", from just before the process is started to that line
# (what a user waits for; includes the JVM's own start before its clock begins), and "jvm", the
# app's own figure. Variants (VARIANTS, default all of them):
#
#   c1           the dist launcher's UI flags before issue 5: -XX:TieredStopAtLevel=1
#                -XX:+UseSerialGC -Xshare:auto (the JDK's default CDS archive)
#   c1-aot       c1 with an AOT cache (JEP 483/514/515) trained by one run of the same command
#                (-XX:AOTCacheOutput), used with -XX:AOTCache
#   c1-appcds    c1 with a dynamic AppCDS archive (-XX:ArchiveClassesAtExit, -XX:SharedArchiveFile)
#   tiered       full tiered compilation (C1 and C2), serial GC, default CDS archive
#   tiered-aot   tiered with an AOT cache trained the same way
#   launcher     app/target/dist/bin/wgdesk as shipped (its per-user AOT cache in a scratch
#                XDG_CACHE_HOME, prepared by two untimed runs: record, then create)
#
# Training and archive runs are not timed. Rounds rotate the order of the variants. Prints each
# run, then per variant the median, min and max of both figures and the ratio of the median wall
# time to c1's. Not a test: exits 0 unless the set-up fails.
#
#   bench/startup.sh                   after ./mvnw -B -q -o -DskipTests package
#   RUNS=15 VARIANTS="c1 c1-aot launcher" bench/startup.sh
#
# Environment: RUNS (per variant, default 11), VARIANTS, DIST (default app/target/dist),
# JAVA_HOME (default /usr/lib/jvm/temurin-25-jdk-amd64). Needs xvfb-run unless DISPLAY is set
# and BENCH_USE_DISPLAY=1.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIST=${DIST:-$ROOT/app/target/dist}
RUNS=${RUNS:-11}
VARIANTS=${VARIANTS:-c1 c1-aot c1-appcds tiered tiered-aot launcher}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA=$JAVA_HOME/bin/java

[ -x "$JAVA" ] || { echo "no java at $JAVA"; exit 1; }
[ -d "$DIST/lib" ] || { echo "$DIST/lib is missing: run ./mvnw -B -q -o -DskipTests package"; exit 1; }

# One X server for every run: re-run this script under xvfb-run.
if [ -z "${BENCH_IN_XVFB:-}" ] && [ "${BENCH_USE_DISPLAY:-}" != 1 ]; then
  command -v xvfb-run >/dev/null || { echo "xvfb-run is not installed (apt-get install xvfb xauth)"; exit 1; }
  BENCH_IN_XVFB=1 exec xvfb-run -a -s "-screen 0 1280x1024x24" bash "$0" "$@"
fi

WORK=$(mktemp -d /tmp/wgdesk-startup.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
# JavaFX unpacks its native libraries into ~/.openjfx/cache once: a scratch HOME per benchmark
# keeps the user's own untouched, and a first untimed run fills it.
export HOME=$WORK/home XDG_CACHE_HOME=$WORK/cache
mkdir -p "$HOME"

REPORT=(-Dwgdesk.startup.report=true -Dwgdesk.startup.exit=true)
APP=(dev.wgdesk.app.cli.Main ui --demo --no-tray)
# The class path as the launcher gives it (sorted, explicit: an AOT cache needs the same one).
CP=$(printf '%s:' "$DIST"/lib/*.jar)
CP=${CP%:}
BASE=(--enable-native-access=ALL-UNNAMED)
C1=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC)
TIERED=(-XX:+UseSerialGC)

# opts VARIANT: prints the JVM options of a timed run, one per line.
opts() {
  case $1 in
    c1) printf '%s\n' "${C1[@]}" -Xshare:auto ;;
    c1-aot) printf '%s\n' "${C1[@]}" "-XX:AOTCache=$WORK/c1.aot" ;;
    c1-appcds) printf '%s\n' "${C1[@]}" "-XX:SharedArchiveFile=$WORK/c1.jsa" ;;
    tiered) printf '%s\n' "${TIERED[@]}" -Xshare:auto ;;
    tiered-aot) printf '%s\n' "${TIERED[@]}" "-XX:AOTCache=$WORK/tiered.aot" ;;
    *) return 1 ;;
  esac
}

# run_app JVM_OPTIONS...: runs the app once; prints "WALL_MS JVM_MS", or "fail" with its output.
run_app() {
  local t0 t1= line jvm= out=$WORK/run.out
  t0=$EPOCHREALTIME
  while IFS= read -r line; do
    case $line in
      *"window visible after "*)
        t1=$EPOCHREALTIME
        jvm=${line#*window visible after }
        jvm=${jvm%% ms*} ;;
    esac
    printf '%s\n' "$line" >>"$out"
  done < <(timeout 60 "$@" 2>&1)
  if [ -z "$t1" ]; then
    echo fail
    sed 's/^/    /' "$out" | tail -n 20 >&2
  else
    echo "$(( (${t1/./} - ${t0/./}) / 1000 )) $jvm"
  fi
  rm -f "$out"
}

run_variant() {
  case $1 in
    launcher) JDK_JAVA_OPTIONS="${REPORT[*]}" run_app "$DIST/bin/wgdesk" ui --demo --no-tray ;;
    *)
      local -a o
      mapfile -t o < <(opts "$1")
      run_app "$JAVA" "${BASE[@]}" "${o[@]}" "${REPORT[@]}" -cp "$CP" "${APP[@]}" ;;
  esac
}

echo "== set-up ($("$JAVA" -version 2>&1 | sed -n 2p); $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg))"
quiet() { "$@" >"$WORK/setup.log" 2>&1 || { tail -n 20 "$WORK/setup.log"; echo "set-up failed: $*"; exit 1; }; }
quiet "$JAVA" "${BASE[@]}" "${C1[@]}" "${REPORT[@]}" -cp "$CP" "${APP[@]}"   # fills ~/.openjfx/cache
for v in $VARIANTS; do
  case $v in
    c1-aot) quiet "$JAVA" "${BASE[@]}" "${C1[@]}" "${REPORT[@]}" "-XX:AOTCacheOutput=$WORK/c1.aot" -cp "$CP" "${APP[@]}" ;;
    tiered-aot) quiet "$JAVA" "${BASE[@]}" "${TIERED[@]}" "${REPORT[@]}" "-XX:AOTCacheOutput=$WORK/tiered.aot" -cp "$CP" "${APP[@]}" ;;
    c1-appcds) quiet "$JAVA" "${BASE[@]}" "${C1[@]}" "${REPORT[@]}" "-XX:ArchiveClassesAtExit=$WORK/c1.jsa" -cp "$CP" "${APP[@]}" ;;
    launcher)
      # First run records, second creates the cache in the background; wait for it.
      JDK_JAVA_OPTIONS="${REPORT[*]}" quiet "$DIST/bin/wgdesk" ui --demo --no-tray
      JDK_JAVA_OPTIONS="${REPORT[*]}" quiet "$DIST/bin/wgdesk" ui --demo --no-tray
      for _ in $(seq 120); do ls "$XDG_CACHE_HOME"/wgdesk/*.aot >/dev/null 2>&1 && break; sleep 0.5; done
      ls "$XDG_CACHE_HOME"/wgdesk/*.aot >/dev/null 2>&1 || { echo "the launcher made no AOT cache"; exit 1; } ;;
    c1|tiered) ;;
    *) echo "unknown variant $v"; exit 1 ;;
  esac
done
for f in "$WORK"/*.aot "$WORK"/*.jsa "$XDG_CACHE_HOME"/wgdesk/*.aot; do
  [ -f "$f" ] && echo "  $(basename "$f"): $(( $(stat -c %s "$f") / 1048576 )) MiB"
done

declare -A WALL JVM
read -ra VS <<<"$VARIANTS"
n=${#VS[@]}
echo "== $RUNS rounds of: ${VS[*]} (order rotates)"
for ((r = 0; r < RUNS; r++)); do
  line="round $((r + 1)):"
  for ((i = 0; i < n; i++)); do
    v=${VS[$(( (i + r) % n ))]}
    res=$(run_variant "$v")
    if [ "$res" = fail ]; then line="$line $v=FAIL"; continue; fi
    WALL[$v]="${WALL[$v]:-} ${res% *}"
    JVM[$v]="${JVM[$v]:-} ${res#* }"
    line="$line $v=${res% *}"
  done
  echo "$line"
done

stats() { # stats NUMBERS...: median min max
  printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {m = NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%d %d %d", m, a[1], a[NR]}'
}
echo "== time to visible window, ms (median [min-max] of $RUNS runs; ratio = median wall / c1's)"
base=
[ -n "${WALL[c1]:-}" ] && base=$(stats ${WALL[c1]} | cut -d' ' -f1)
printf '%-11s %-22s %-22s %s\n' variant wall "jvm (app's figure)" ratio
for v in "${VS[@]}"; do
  [ -n "${WALL[$v]:-}" ] || { printf '%-11s all runs failed\n' "$v"; continue; }
  read -r wm wlo whi <<<"$(stats ${WALL[$v]})"
  read -r jm jlo jhi <<<"$(stats ${JVM[$v]})"
  ratio=-
  [ -n "$base" ] && ratio=$(awk -v a="$wm" -v b="$base" 'BEGIN {printf "%.2f", a / b}')
  printf '%-11s %-22s %-22s %s\n' "$v" "$wm [$wlo-$whi]" "$jm [$jlo-$jhi]" "$ratio"
done
exit 0
