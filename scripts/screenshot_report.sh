#!/usr/bin/env bash
# Render `laborstats report --lang zh` to HTML, then screenshot it in headless Chromium,
# to look at what a reader sees: the Chinese set in a CJK font, and the charts.
#
#   apt install chromium fonts-noto-cjk    # once (Debian; the fonts are what show Chinese)
#   bash scripts/screenshot_report.sh [OUT_DIR] [laborstats report options…]
#
# Writes OUT_DIR/report.html and OUT_DIR/report.png (default OUT_DIR: ./report-check).
set -euo pipefail
out=${1:-report-check}
shift || true
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
    echo "No Chromium found: apt install chromium fonts-noto-cjk" >&2
    exit 1
fi
mkdir -p "$out"
laborstats report --lang zh -o "$out/report.html" "$@"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
# The flags keep Chromium off the network, which the report never needs.
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --hide-scrollbars --window-size=1100,5200 \
    --screenshot="$out/report.png" "file://$(cd "$out" && pwd)/report.html" 2>/dev/null
echo "Wrote $out/report.html and $out/report.png" >&2
