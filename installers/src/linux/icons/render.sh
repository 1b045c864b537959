#!/bin/sh
# Renders wgdesk.svg to the PNG sizes of the hicolor icon theme. The PNGs are committed, so a
# build needs no SVG renderer; run this (needs rsvg-convert, Debian package librsvg2-bin) after
# changing the SVG.
set -eu
cd "$(dirname "$0")"
for size in 16 24 32 48 64 128 256 512; do
  rsvg-convert --width "$size" --height "$size" wgdesk.svg --output "png/${size}x${size}.png"
done
