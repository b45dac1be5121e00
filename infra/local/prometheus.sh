#!/usr/bin/env bash
# Makes sure `prometheus` and `promtool` are on PATH, installing Debian's prometheus package when
# they are missing, without ever leaving a system Prometheus running: prometheus.sh [install]
# `up` / `down` run our own Prometheus for `make demo` on 127.0.0.1:9090 (TF_PROMETHEUS_PORT),
# scraping the services of `make run` with the alert rules, data under .local/prometheus.
#
# Idempotent. The package's daemon is never started: a temporary /usr/sbin/policy-rc.d refuses
# every service start during the install (the one already there, if any, is put back), the
# systemd unit is disabled where systemd runs, and /etc/default/prometheus binds a later start to
# 127.0.0.1. Recommends (prometheus-node-exporter, another daemon on 0.0.0.0) are not installed.
# Tests and `make demo` run their own Prometheus on 127.0.0.1 with a generated config.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIR="$ROOT/.local/prometheus"
PID="$ROOT/.local/run/prometheus.pid"
PORT="${TF_PROMETHEUS_PORT:-9090}"
POLICY=/usr/sbin/policy-rc.d
DEFAULTS=/etc/default/prometheus

have_binaries() { command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; }

as_root() {
  if [[ $EUID -eq 0 ]]; then "$@"; else sudo -n "$@"; fi
}

install_package() {
  local backup=""
  if [[ -e "$POLICY" ]]; then
    backup="$(mktemp)"
    as_root cp -p "$POLICY" "$backup"
  fi
  # shellcheck disable=SC2064  # expand now: the trap must restore this very backup
  trap "restore_policy '$backup'" EXIT
  printf '#!/bin/sh\n# infra/local/prometheus.sh: no daemon starts while it installs packages\nexit 101\n' \
    | as_root tee "$POLICY" >/dev/null
  as_root chmod 755 "$POLICY"
  echo "prometheus: installing Debian's prometheus package (no daemon is started)..."
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    prometheus >/dev/null
}

restore_policy() {
  local backup="$1"
  if [[ -n "$backup" ]]; then as_root mv "$backup" "$POLICY"; else as_root rm -f "$POLICY"; fi
}

# The package's service must never run: disabled under systemd, stopped if something started
# it anyway, and bound to loopback should anyone start it by hand.
keep_system_daemon_off() {
  if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null 2>&1; then
    as_root systemctl disable --now prometheus.service >/dev/null 2>&1 || true
  elif [[ -x /etc/init.d/prometheus ]]; then
    as_root /etc/init.d/prometheus stop >/dev/null 2>&1 || true
  fi
  if [[ -f "$DEFAULTS" ]] && ! grep -q -- '--web.listen-address' "$DEFAULTS"; then
    as_root sed -i -e 's|^ARGS=""$|ARGS="--web.listen-address=127.0.0.1:9090"|; t' \
      -e 's|^ARGS="\(.*\)"$|ARGS="--web.listen-address=127.0.0.1:9090 \1"|' "$DEFAULTS"
  fi
}

install() {
  if ! have_binaries; then
    install_package
    keep_system_daemon_off
  fi
  have_binaries || { echo "prometheus: prometheus/promtool still missing after install" >&2; exit 1; }
}

alive() { [[ -f "$PID" ]] && kill -0 "$(cat "$PID")" 2>/dev/null; }

# infra/prometheus/prometheus.yml with the compose host names replaced by loopback ports.
write_config() {
  sed -e 's#"\(intake\|routing\|sla\|notify\|insights\|knowledge\|mail\|identity\):#"127.0.0.1:#' \
      -e "s|localhost:9090|127.0.0.1:$PORT|" \
      -e "s|/etc/prometheus/alerts.yml|$ROOT/infra/prometheus/alerts.yml|" \
      -e 's|scrape_interval: 15s|scrape_interval: 5s|' \
      "$ROOT/infra/prometheus/prometheus.yml" >"$DIR/prometheus.yml"
}

up() {
  install
  mkdir -p "$DIR/data" "$(dirname "$PID")" "$ROOT/.local/logs"
  if alive; then echo "prometheus: already running on http://127.0.0.1:$PORT"; return; fi
  write_config
  prometheus --config.file="$DIR/prometheus.yml" --storage.tsdb.path="$DIR/data" \
    --web.listen-address="127.0.0.1:$PORT" --storage.tsdb.retention.time=7d \
    </dev/null >>"$ROOT/.local/logs/prometheus.log" 2>&1 &
  echo $! >"$PID"
  local deadline=$((SECONDS + 30))
  until curl -fsS "http://127.0.0.1:$PORT/-/ready" >/dev/null 2>&1; do
    if ! alive; then echo "prometheus exited; see .local/logs/prometheus.log" >&2; exit 1; fi
    (( SECONDS < deadline )) || { echo "prometheus not ready after 30 s" >&2; exit 1; }
    sleep 0.3
  done
  echo "prometheus: http://127.0.0.1:$PORT (alerts: /alerts), scraping 127.0.0.1:8001-8008"
}

down() {
  if alive; then
    kill -TERM "$(cat "$PID")"
    local deadline=$((SECONDS + 30))
    while alive && (( SECONDS < deadline )); do sleep 0.2; done
  fi
  rm -f "$PID"
}

case "${1:-install}" in
  install) install ;;
  up) up ;;
  down) down ;;
  *) echo "usage: $0 [install|up|down]" >&2; exit 2 ;;
esac
