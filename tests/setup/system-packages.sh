#!/usr/bin/env bash
# `npm test` needs programs from the operating system: Chromium (browser tests), the PostgreSQL
# server binaries (the throwaway test database) and poppler's pdftoppm (PDF pages as images).
# Runs before the tests (npm's pretest): installs what is missing with apt-get when it may (root
# on Debian/Ubuntu), otherwise says exactly what to install. CHROMIUM_PATH points the browser
# tests at another Chromium.
set -euo pipefail

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
need=()
[ -x "$chromium" ] || need+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "== pretest: apt-get install ${need[*]} (needed by the tests)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
  exit 0
fi

echo "The tests need these system packages, which are not installed: ${need[*]}." >&2
echo "Install them, then run npm test again:" >&2
echo "  sudo apt-get install -y ${need[*]}" >&2
[ -x "$chromium" ] || echo "(or set CHROMIUM_PATH to a Chromium you have)" >&2
exit 1
