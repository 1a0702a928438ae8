#!/usr/bin/env bash
# Debian's chromium as the browser tests launch it (test/support/browser.ts): every
# --disable-features given merged into one. Chromium reads only the last one, and Playwright
# passes its own list (features that break automation, and network calls to Google) before the
# tests' own (browser parts no test looks at, which cost a CPU second per browser context, #19).
# The real executable is KLACHTFLOW_CHROMIUM (/usr/bin/chromium when unset).
set -euo pipefail
args=()
disabled=()
for a in "$@"; do
  case $a in
    --disable-features=*) disabled+=("${a#--disable-features=}") ;;
    *) args+=("$a") ;;
  esac
done
if [ ${#disabled[@]} -gt 0 ]; then
  args+=("--disable-features=$(IFS=,; echo "${disabled[*]}")")
fi
exec "${KLACHTFLOW_CHROMIUM:-/usr/bin/chromium}" "${args[@]}"
