#!/usr/bin/env bash
# bench/native-engine.sh: builds the native wgdesk-engine by hand; the build itself is
# app/src/native/build-native.sh (also run by ./mvnw -Pnative package; see its header for the
# environment: MARCH, BUILD_XMX, OUT ...). Kept for the bench scripts and notes that name it.
# Needs ./mvnw -B -DskipTests package first. Output: app/target/native/bin/wgdesk-engine.
exec bash "$(cd "$(dirname "$0")/.." && pwd)/app/src/native/build-native.sh" "$@"
