#!/usr/bin/env bash
# Makes sure Debian's Chromium and a CJK font are installed, for the console's browser tests
# (Playwright launches /usr/bin/chromium; the Chinese pages need glyphs for their screenshots):
# chromium.sh [install]. Idempotent and quiet when both are there.
set -euo pipefail

as_root() {
  if [[ $EUID -eq 0 ]]; then "$@"; else sudo -n "$@"; fi
}

missing=()
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
dpkg-query -W -f '${Status}' fonts-noto-cjk 2>/dev/null | grep -q 'ok installed' || missing+=(fonts-noto-cjk)
if ((${#missing[@]})); then
  echo "chromium: installing Debian's ${missing[*]}..."
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi
