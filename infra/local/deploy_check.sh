#!/usr/bin/env bash
# make deploy-check: lints the Helm chart and validates what it renders with kubeconform -strict,
# offline, against the schemas committed in deploy/schemas/ (Kubernetes' own from its OpenAPI
# document, and KEDA's ScaledObject, ServiceMonitor and PrometheusRule from their CRDs; see
# tools/k8s_schemas.py). A kind without a schema there is an error, not a skip. helm and
# kubeconform come from infra/local/k8s_tools.sh (built once into .local/bin).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN="$("$ROOT/infra/local/k8s_tools.sh")"
CHART="$ROOT/deploy/helm/ticketflow"
SCHEMAS="$ROOT/deploy/schemas"
KUBE_VERSION=1.37.2  # the version deploy/schemas/kubernetes-* was made from

# helm notes each link under files/ (to infra/prometheus/alerts.yml, infra/grafana/dashboards).
quiet() { "$@" 2> >(grep -v 'found symbolic link in path' >&2); }

quiet "$BIN/helm" lint --strict --kube-version "$KUBE_VERSION" "$CHART"
# The defaults, and the chart with every optional part switched off.
for variant in "" "--set autoscaling.enabled=false,serviceMonitor.enabled=false,prometheusRule.enabled=false,dashboards.enabled=false,migrations.enabled=false,podDisruptionBudget.enabled=false"; do
  # shellcheck disable=SC2086
  quiet "$BIN/helm" template ticketflow "$CHART" --kube-version "$KUBE_VERSION" $variant \
    | "$BIN/kubeconform" -strict -summary \
        -schema-location "$SCHEMAS/kubernetes-v$KUBE_VERSION/{{ .ResourceKind }}{{ .KindSuffix }}.json" \
        -schema-location "$SCHEMAS/crds/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json" \
        -
done
