#!/usr/bin/env bash
# Builds helm and kubeconform from the Go module proxy into .local/bin (make deploy-check), once
# per version: a second run finds the binaries at the pinned versions and returns at once.
# Prints the bin directory.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN="$ROOT/.local/bin"
HELM_VERSION=v3.22.0
KUBECONFORM_VERSION=v0.8.0

have() {  # $1 binary, $2 version the stamp file records
  [[ -x "$BIN/$1" && "$(cat "$BIN/$1.version" 2>/dev/null)" == "$2" ]]
}

command -v go >/dev/null || PATH="/usr/local/go/bin:$PATH"  # where Go is installed here
mkdir -p "$BIN"
export GOBIN="$BIN" GOFLAGS=-mod=mod CGO_ENABLED=0
if ! have helm "$HELM_VERSION"; then
  echo "k8s tools: building helm $HELM_VERSION from the Go module proxy..." >&2
  go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
  echo "$HELM_VERSION" >"$BIN/helm.version"
fi
if ! have kubeconform "$KUBECONFORM_VERSION"; then
  echo "k8s tools: building kubeconform $KUBECONFORM_VERSION from the Go module proxy..." >&2
  go install "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION"
  echo "$KUBECONFORM_VERSION" >"$BIN/kubeconform.version"
fi
echo "$BIN"
