#!/usr/bin/env bash
# The OpenAPI tools `make lint` runs, pinned and cached in .local/ (idempotent: a second run
# only compares versions): Spectral and openapi-typescript + tsc from npm, oasdiff from the Go
# module proxy. Prints nothing when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/../.."

SPECTRAL_VERSION=6.16.3
OPENAPI_TYPESCRIPT_VERSION=7.13.0
TYPESCRIPT_VERSION=5.9.3
OASDIFF_VERSION=v1.37.0

NODE_DIR=.local/openapi-node
STAMP="$NODE_DIR/.versions"
WANTED="spectral=$SPECTRAL_VERSION openapi-typescript=$OPENAPI_TYPESCRIPT_VERSION typescript=$TYPESCRIPT_VERSION"
if [[ "$(cat "$STAMP" 2>/dev/null)" != "$WANTED" ]]; then
  mkdir -p "$NODE_DIR"
  [[ -f "$NODE_DIR/package.json" ]] || echo '{"private": true}' >"$NODE_DIR/package.json"
  npm install --prefix "$NODE_DIR" --no-audit --no-fund --silent --save-exact \
    "@stoplight/spectral-cli@$SPECTRAL_VERSION" \
    "openapi-typescript@$OPENAPI_TYPESCRIPT_VERSION" \
    "typescript@$TYPESCRIPT_VERSION"
  echo "$WANTED" >"$STAMP"
fi

BIN=.local/bin
# `oasdiff --version` says "main" when built by `go install`: a stamp records the version.
if [[ ! -x "$BIN/oasdiff" || "$(cat "$BIN/.oasdiff-version" 2>/dev/null)" != "$OASDIFF_VERSION" ]]; then
  mkdir -p "$BIN"
  GOBIN="$PWD/$BIN" go install "github.com/oasdiff/oasdiff@$OASDIFF_VERSION"
  echo "$OASDIFF_VERSION" >"$BIN/.oasdiff-version"
fi
