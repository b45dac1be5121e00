"""The Helm chart (deploy/helm/ticketflow) as rendered by helm: every service deployable, probed,
bounded, disruption-budgeted and scraped; every consumer autoscaled; migrations once per release.

helm and kubeconform come from infra/local/k8s_tools.sh (built once into .local/bin, like
`make deploy-check`), so these tests run wherever the suite does."""

import importlib
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from ticketflow_common.topics import CONSUMED_BY

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "deploy" / "helm" / "ticketflow"
SCHEMAS = ROOT / "deploy" / "schemas"
KUBE_VERSION = "1.37.2"
RELEASE = "tf"
SERVICES = sorted(p.name for p in (ROOT / "services").iterdir() if (p / "pyproject.toml").exists())
CONSUMERS = sorted(name for name, topics in CONSUMED_BY.items() if topics)
BACKLOG_TABLES = {
    "sla": "sla.timers",
    "notify": "notify.deliveries",
    "automation": "automation.rule_timers",
}
SECRET_WORDS = ("SECRET", "TOKEN", "PASSWORD", "DATABASE_URL")


@pytest.fixture(scope="module")
def tools() -> Path:
    out = subprocess.run(
        [str(ROOT / "infra" / "local" / "k8s_tools.sh")], check=True, capture_output=True, text=True
    )
    return Path(out.stdout.strip())


def render(tools: Path, *sets: str) -> list[dict[str, Any]]:
    args = [str(tools / "helm"), "template", RELEASE, str(CHART), "--kube-version", KUBE_VERSION]
    for value in sets:
        args += ["--set", value]
    out = subprocess.run(args, check=True, capture_output=True, text=True)
    return [doc for doc in yaml.safe_load_all(out.stdout) if doc]


@pytest.fixture(scope="module")
def objects(tools: Path) -> list[dict[str, Any]]:
    return render(tools)


def of_kind(objects: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    """Objects of one kind by their component label (the service)."""
    found = {}
    for obj in objects:
        if obj["kind"] == kind:
            found[obj["metadata"]["labels"]["app.kubernetes.io/component"]] = obj
    return found


def containers(objects: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for obj in objects:
        spec = obj.get("spec", {}).get("template", {}).get("spec", {})
        yield from spec.get("containers", [])


def compose_http_port(service: str) -> int:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    return int(compose["services"][service]["environment"][f"{service.upper()}_HTTP_PORT"])


def test_every_service_has_a_deployment_probed_and_bounded(objects: list[dict[str, Any]]) -> None:
    deployments = of_kind(objects, "Deployment")
    assert sorted(deployments) == SERVICES
    for name, deployment in deployments.items():
        pod = deployment["spec"]["template"]["spec"]
        (container,) = pod["containers"]
        assert container["args"] == [f"ticketflow_{name}"]
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        assert ports["http"] == compose_http_port(name), name
        assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
        assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
        assert container["startupProbe"]["httpGet"]["port"] == "http"
        resources = container["resources"]
        assert {"cpu", "memory"} <= set(resources["requests"]), name
        assert "memory" in resources["limits"], name
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert container["securityContext"]["readOnlyRootFilesystem"] is True


def test_every_service_has_a_service_and_a_disruption_budget(
    objects: list[dict[str, Any]],
) -> None:
    deployments = of_kind(objects, "Deployment")
    budgets = of_kind(objects, "PodDisruptionBudget")
    services = of_kind(objects, "Service")
    assert sorted(budgets) == sorted(services) == SERVICES
    for name, deployment in deployments.items():
        pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
        for selector in (
            budgets[name]["spec"]["selector"]["matchLabels"],
            services[name]["spec"]["selector"],
        ):
            assert selector.items() <= pod_labels.items(), name
        assert "maxUnavailable" in budgets[name]["spec"] or "minAvailable" in budgets[name]["spec"]
        assert {p["name"] for p in services[name]["spec"]["ports"]} >= {"http"}


def test_every_consumer_scales_on_its_group_lag(objects: list[dict[str, Any]]) -> None:
    scaled = of_kind(objects, "ScaledObject")
    deployments = of_kind(objects, "Deployment")
    assert sorted(scaled) == CONSUMERS
    for name, obj in scaled.items():
        assert obj["spec"]["scaleTargetRef"]["name"] == deployments[name]["metadata"]["name"]
        triggers = {t["type"]: t["metadata"] for t in obj["spec"]["triggers"]}
        # The group EventConsumer joins: TopicNames(prefix).physical(service).
        assert triggers["kafka"]["consumerGroup"] == name
        assert obj["spec"]["maxReplicaCount"] <= 12  # partitions per topic
        assert "replicas" not in deployments[name]["spec"], "KEDA owns the replica count"


@pytest.mark.parametrize("service", sorted(BACKLOG_TABLES))
def test_timers_and_deliveries_scale_on_their_postgres_backlog(
    objects: list[dict[str, Any]], service: str
) -> None:
    triggers = {
        t["type"]: t["metadata"]
        for t in of_kind(objects, "ScaledObject")[service]["spec"]["triggers"]
    }
    postgres = triggers["postgresql"]
    assert f"FROM {BACKLOG_TABLES[service]} " in postgres["query"]
    assert postgres["connectionFromEnv"] == f"{service.upper()}_DATABASE_URL"
    (container,) = of_kind(objects, "Deployment")[service]["spec"]["template"]["spec"]["containers"]
    assert postgres["connectionFromEnv"] in {e["name"] for e in container["env"]}


def test_the_topic_prefix_reaches_the_consumer_groups(tools: Path) -> None:
    scaled = of_kind(render(tools, "topicPrefix=staging."), "ScaledObject")
    for name, obj in scaled.items():
        kafka = next(t for t in obj["spec"]["triggers"] if t["type"] == "kafka")
        assert kafka["metadata"]["consumerGroup"] == f"staging.{name}"


def test_migrations_run_once_per_release_before_the_pods(objects: list[dict[str, Any]]) -> None:
    jobs = of_kind(objects, "Job")
    assert sorted(jobs) == SERVICES
    for name, job in jobs.items():
        annotations = job["metadata"]["annotations"]
        assert set(annotations["helm.sh/hook"].split(",")) == {"pre-install", "pre-upgrade"}
        assert "before-hook-creation" in annotations["helm.sh/hook-delete-policy"]
        (container,) = job["spec"]["template"]["spec"]["containers"]
        assert container["args"] == [f"ticketflow_{name}", "migrate"]


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_has_the_migrate_command_the_job_runs(service: str) -> None:
    main = importlib.import_module(f"ticketflow_{service}.main")
    commands = getattr(main, "OPERATOR_COMMANDS", None)
    if commands is not None:
        assert "migrate" in commands
    else:
        assert main.arguments().parse_args(["migrate"]).command == "migrate"


def test_secrets_come_only_from_the_existing_secret(objects: list[dict[str, Any]]) -> None:
    assert not [o for o in objects if o["kind"] == "Secret"]
    secret = yaml.safe_load((CHART / "values.yaml").read_text(encoding="utf-8"))["existingSecret"]
    for container in containers(objects):
        for env in container["env"]:
            if any(word in env["name"] for word in SECRET_WORDS):
                assert "value" not in env, env["name"]
                assert env["valueFrom"]["secretKeyRef"]["name"] == secret


def test_every_secret_compose_requires_is_read_from_the_secret(
    objects: list[dict[str, Any]],
) -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    deployments = of_kind(objects, "Deployment")
    for name in SERVICES:
        required = {
            key
            for key, value in compose["services"][name]["environment"].items()
            if ":?" in str(value)
        }
        (container,) = deployments[name]["spec"]["template"]["spec"]["containers"]
        from_secret = {e["name"] for e in container["env"] if "valueFrom" in e}
        assert required <= from_secret, name


def test_every_service_is_scraped_under_its_job_name(objects: list[dict[str, Any]]) -> None:
    monitors = of_kind(objects, "ServiceMonitor")
    services = of_kind(objects, "Service")
    assert sorted(monitors) == SERVICES
    for name, monitor in monitors.items():
        # job = the Service's component label = the service's name, as prometheus.yml names it.
        assert services[name]["metadata"]["labels"][monitor["spec"]["jobLabel"]] == name
        assert monitor["spec"]["endpoints"] == [
            {"port": "http", "path": "/metrics", "interval": "15s"}
        ]


def test_the_alert_rules_are_a_prometheus_rule(objects: list[dict[str, Any]]) -> None:
    (rule,) = [o for o in objects if o["kind"] == "PrometheusRule"]
    alerts = yaml.safe_load((ROOT / "infra" / "prometheus" / "alerts.yml").read_text("utf-8"))
    assert rule["spec"]["groups"] == alerts["groups"]


def test_every_dashboard_is_a_configmap_for_grafanas_sidecar(
    objects: list[dict[str, Any]],
) -> None:
    maps = [o for o in objects if o["kind"] == "ConfigMap"]
    dashboards = sorted((ROOT / "infra" / "grafana" / "dashboards").glob("*.json"))
    assert len(maps) == len(dashboards)
    by_file = {name: o for o in maps for name in o["data"]}
    for path in dashboards:
        obj = by_file[path.name]
        assert obj["metadata"]["labels"]["grafana_dashboard"] == "1"
        assert json.loads(obj["data"][path.name]) == json.loads(path.read_text(encoding="utf-8"))


def test_kubeconform_rejects_what_kubernetes_would(tools: Path, tmp_path: Path) -> None:
    """The offline schemas really validate: a misspelt field and a wrong type fail."""
    good = subprocess.run(
        [str(tools / "helm"), "template", RELEASE, str(CHART), "--kube-version", KUBE_VERSION],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    broken = {
        "deployment": good.replace("revisionHistoryLimit:", "revisionHistoryLimt:", 1),
        "scaledobject": good.replace("pollingInterval: 15", 'pollingInterval: "soon"', 1),
        "servicemonitor": good.replace("jobLabel:", "jobLabl:", 1),
    }
    locations = [
        "-schema-location",
        str(SCHEMAS / f"kubernetes-v{KUBE_VERSION}" / "{{ .ResourceKind }}{{ .KindSuffix }}.json"),
        "-schema-location",
        str(
            SCHEMAS / "crds" / "{{ .Group }}" / "{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json"
        ),
    ]
    for label, text in {"good": good, **broken}.items():
        path = tmp_path / f"{label}.yaml"
        path.write_text(text, encoding="utf-8")
        result = subprocess.run(
            [str(tools / "kubeconform"), "-strict", *locations, str(path)],
            capture_output=True,
            text=True,
        )
        assert (result.returncode == 0) == (label == "good"), (label, result.stdout)
