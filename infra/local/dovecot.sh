#!/usr/bin/env bash
# Makes sure `dovecot` is installed (Debian's dovecot-imapd), for the mail tests' own IMAP server
# on loopback (tests/support/dovecot.py starts it with a generated config): dovecot.sh [install]
#
# Idempotent and quiet. The package's daemon is never started: a temporary /usr/sbin/policy-rc.d
# refuses every service start during the install (the one already there, if any, is put back),
# and the system service is disabled/stopped afterwards should anything have started it.
set -euo pipefail

POLICY=/usr/sbin/policy-rc.d

have_binary() { command -v dovecot >/dev/null 2>&1 || [[ -x /usr/sbin/dovecot ]]; }

as_root() {
  if [[ $EUID -eq 0 ]]; then "$@"; else sudo -n "$@"; fi
}

restore_policy() {
  local backup="$1"
  if [[ -n "$backup" ]]; then as_root mv "$backup" "$POLICY"; else as_root rm -f "$POLICY"; fi
}

install_package() {
  local backup=""
  if [[ -e "$POLICY" ]]; then
    backup="$(mktemp)"
    as_root cp -p "$POLICY" "$backup"
  fi
  # shellcheck disable=SC2064  # expand now: the trap must restore this very backup
  trap "restore_policy '$backup'" EXIT
  printf '#!/bin/sh\n# infra/local/dovecot.sh: no daemon starts while it installs packages\nexit 101\n' \
    | as_root tee "$POLICY" >/dev/null
  as_root chmod 755 "$POLICY"
  echo "dovecot: installing Debian's dovecot-imapd package (no daemon is started)..."
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    dovecot-imapd >/dev/null
}

keep_system_daemon_off() {
  if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null 2>&1; then
    as_root systemctl disable --now dovecot.service dovecot.socket >/dev/null 2>&1 || true
  elif [[ -x /etc/init.d/dovecot ]]; then
    as_root /etc/init.d/dovecot stop >/dev/null 2>&1 || true
  fi
}

install() {
  if ! have_binary; then
    install_package
    keep_system_daemon_off
  fi
  have_binary || { echo "dovecot: still missing after install" >&2; exit 1; }
}

case "${1:-install}" in
  install) install ;;
  *) echo "usage: $0 [install]" >&2; exit 2 ;;
esac
