#!/usr/bin/env bash
# Screenshot an HTML report with headless Chromium, to check its layout by eye (not run by CI).
#
#   scripts/screenshot_report.sh [REPORT.html] [OUT.png] [WIDTHxHEIGHT]
#
# Defaults: results/brief.html, results/brief.png, 1280x4000. Needs Debian's chromium
# (apt-get install -y chromium). Network features are switched off: the report must not need them.
set -euo pipefail

report=${1:-results/brief.html}
out=${2:-results/brief.png}
size=${3:-1280x4000}

[[ -f $report ]] || { echo "screenshot_report.sh: no such report: $report (run: manpower report)" >&2; exit 2; }
browser=$(command -v chromium || command -v chromium-browser || true)
[[ -n $browser ]] || { echo "screenshot_report.sh: chromium not found (apt-get install -y chromium)" >&2; exit 2; }

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$profile" --window-size="${size/x/,}" \
    --screenshot="$(realpath -m "$out")" "file://$(realpath "$report")" 2>/dev/null
echo "Wrote $out"
