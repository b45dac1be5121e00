#!/usr/bin/env bash
# Makes sure Debian's wrk (a C HTTP load generator) is installed, for the intake benchmarks:
# wrk.sh [install]. Idempotent and quiet when it is there.
set -euo pipefail

as_root() {
  if [[ $EUID -eq 0 ]]; then "$@"; else sudo -n "$@"; fi
}

if [[ ! -x /usr/bin/wrk ]]; then
  echo "wrk: installing Debian's wrk..."
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null
fi
