"""docker-compose.yml agrees with the settings classes; no Docker engine here to find out later."""

import difflib
import importlib.util
import json
import shlex
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from ticketflow_automation.settings import AutomationSettings
from ticketflow_common.settings import ServiceSettings
from ticketflow_console.settings import ConsoleSettings
from ticketflow_identity.settings import IdentitySettings
from ticketflow_insights.settings import InsightsSettings
from ticketflow_intake.settings import IntakeSettings
from ticketflow_knowledge.settings import KnowledgeSettings
from ticketflow_mail.settings import MailSettings
from ticketflow_notify.settings import NotifySettings
from ticketflow_routing.settings import RoutingSettings
from ticketflow_sla.settings import SlaSettings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DASHBOARDS = ROOT / "infra" / "grafana" / "dashboards"
DASHBOARD_PROVIDERS = ROOT / "infra" / "grafana" / "provisioning" / "dashboards"
DATASOURCES = ROOT / "infra" / "grafana" / "provisioning" / "datasources"

SETTINGS: dict[str, type[ServiceSettings]] = {
    "intake": IntakeSettings,
    "routing": RoutingSettings,
    "sla": SlaSettings,
    "notify": NotifySettings,
    "insights": InsightsSettings,
    "knowledge": KnowledgeSettings,
    "mail": MailSettings,
    "identity": IdentitySettings,
    "automation": AutomationSettings,
    "console": ConsoleSettings,
}
TOPICS_JOB = "kafka-topics"
INFRA = ("postgres", "kafka", TOPICS_JOB, "prometheus", "grafana", "otel-collector", "jaeger")
LOOPBACK = "127.0.0.1"
ALL_INTERFACES = "0.0.0.0"  # noqa: S104 - what a container must listen on, checked not bound
STANDARD_PREFIXES = ("OTEL_",)


def _load_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


@pytest.fixture(scope="module")
def services() -> dict[str, dict[str, Any]]:
    """The `services:` mapping of docker-compose.yml, with YAML anchors merged."""
    compose = _load_yaml(COMPOSE_FILE)
    assert isinstance(compose, dict), f"{COMPOSE_FILE.name} is not a mapping"
    found = compose.get("services")
    assert isinstance(found, dict), f"{COMPOSE_FILE.name} has no services mapping"
    return found


def env_names(cls: type[ServiceSettings]) -> set[str]:
    """What pydantic-settings reads: env_prefix + field name, upper-cased."""
    prefix = cls.model_config.get("env_prefix", "")
    return {f"{prefix}{name}".upper() for name in cls.model_fields}


def env_name(cls: type[ServiceSettings], field: str) -> str:
    """The variable one field is read from."""
    return f"{cls.model_config.get('env_prefix', '')}{field}".upper()


def environment(service: Mapping[str, Any]) -> dict[str, str | None]:
    """A service's environment in either compose form (mapping, or list of KEY=VALUE)."""
    raw = service.get("environment") or {}
    if isinstance(raw, dict):
        return {str(k): None if v is None else str(v) for k, v in raw.items()}
    pairs = (str(item).partition("=") for item in raw)
    return {key: value if sep else None for key, sep, value in pairs}


def published_ports(service: Mapping[str, Any]) -> Iterator[tuple[str, str, int]]:
    """(host ip, host port, container port) for each entry of `ports`, short or long syntax."""
    for entry in service.get("ports") or []:
        if isinstance(entry, dict):
            yield str(entry.get("host_ip", "")), str(entry.get("published", "")), entry["target"]
            continue
        spec = str(entry).split("/")[0]
        parts = spec.rsplit(":", 2)
        host_ip = parts[0] if len(parts) == 3 else ""
        published = parts[-2] if len(parts) >= 2 else ""
        yield host_ip, published, int(parts[-1].split("-")[0])


def bind_mounts(service: Mapping[str, Any]) -> Iterator[tuple[Path, str]]:
    """(repo path, container path) for every volume entry that mounts a path from the repo."""
    for entry in service.get("volumes") or []:
        if isinstance(entry, dict):
            if entry.get("type") != "bind":
                continue
            source, target = str(entry["source"]), str(entry["target"])
        else:
            source, _, rest = str(entry).partition(":")
            target = rest.partition(":")[0]
            if not source.startswith((".", "/")):
                continue  # a named volume
        yield (ROOT / source).resolve(), target


def command_option(service: Mapping[str, Any], option: str, *, default: str) -> str:
    """The value after `option` in a service's command (list or string form)."""
    raw = service.get("command") or []
    args = shlex.split(raw) if isinstance(raw, str) else [str(a) for a in raw]
    for i, arg in enumerate(args):
        if arg == option and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(f"{option}="):
            return arg.partition("=")[2]
    return default


def suggestion(name: str, known: set[str]) -> str:
    """A hint for the likely typo, so the failure says what to write instead."""
    close = difflib.get_close_matches(name, sorted(known), n=1)
    return f" (did you mean {close[0]}?)" if close else ""


def test_every_part_of_the_stack_is_defined(services: dict[str, dict[str, Any]]) -> None:
    """Someone running `docker compose up` gets the whole system, not a fragment."""
    missing = [name for name in (*INFRA, *SETTINGS) if name not in services]
    assert not missing, f"docker-compose.yml lacks services: {missing}"


@pytest.mark.parametrize("name", list(SETTINGS))
def test_service_env_vars_are_settings_fields(
    services: dict[str, dict[str, Any]], name: str
) -> None:
    """pydantic-settings silently ignores a misspelled variable, so nothing else would notice."""
    cls = SETTINGS[name]
    known = env_names(cls)
    unknown = [
        f"{name}: {var} is not a field of {cls.__name__}{suggestion(var, known)}"
        for var in environment(services[name])
        if var not in known and not var.startswith(STANDARD_PREFIXES)
    ]
    assert not unknown, "\n".join(unknown)


def test_topics_job_sets_only_standard_env_vars(services: dict[str, dict[str, Any]]) -> None:
    """The topics job reads its command line, not settings: any other variable is a mistake."""
    unknown = [
        f"{TOPICS_JOB}: {var} is read by nothing"
        for var in environment(services[TOPICS_JOB])
        if not var.startswith(STANDARD_PREFIXES)
    ]
    assert not unknown, "\n".join(unknown)


@pytest.mark.parametrize("name", list(SETTINGS))
def test_required_settings_are_set(services: dict[str, dict[str, Any]], name: str) -> None:
    """A field without a default left unset would stop the container at start-up."""
    cls = SETTINGS[name]
    env = environment(services[name])
    missing = [
        f"{name}: required {env_name(cls, field)} is not set"
        for field, info in cls.model_fields.items()
        if info.is_required() and not env.get(env_name(cls, field))
    ]
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("name", list(SETTINGS))
def test_service_listens_publishes_and_probes_its_default_port(
    services: dict[str, dict[str, Any]], name: str
) -> None:
    """Ports must match the local scripts, and a container listening on loopback is unreachable."""
    cls = SETTINGS[name]
    port = cls.model_fields["http_port"].default
    service = services[name]
    env = environment(service)
    port_var, host_var = env_name(cls, "http_port"), env_name(cls, "http_host")
    assert env.get(port_var) in (None, str(port)), f"{name}: {port_var} is not {port}"
    assert env.get(host_var) == ALL_INTERFACES, f"{name}: {host_var} must be {ALL_INTERFACES}"
    published = {
        (host, target) for host, pub, target in published_ports(service) if pub == str(port)
    }
    assert (LOOPBACK, port) in published, f"{name}: does not publish {LOOPBACK}:{port}:{port}"
    probe = " ".join(str(part) for part in service.get("healthcheck", {}).get("test", []))
    assert f":{port}/readyz" in probe, f"{name}: healthcheck does not probe :{port}/readyz"


def test_every_published_port_binds_loopback(services: dict[str, dict[str, Any]]) -> None:
    """Nothing in the stack has authentication worth exposing beyond this machine."""
    exposed = [
        f"{name}: port {published or '?'}->{target} binds {host or 'every interface'}"
        for name, service in services.items()
        for host, published, target in published_ports(service)
        if host != LOOPBACK
    ]
    assert not exposed, "\n".join(exposed)


@pytest.mark.parametrize("name", list(SETTINGS))
def test_services_use_the_topics_the_job_creates(
    services: dict[str, dict[str, Any]], name: str
) -> None:
    """Auto-creation is off, so a service on another cluster or prefix would find no topics."""
    cls, env, job = SETTINGS[name], environment(services[name]), services[TOPICS_JOB]
    for field, option in (
        ("kafka_bootstrap_servers", "--bootstrap-servers"),
        ("topic_prefix", "--prefix"),
    ):
        var = env_name(cls, field)
        used = env.get(var) or cls.model_fields[field].default
        created = command_option(job, option, default="")
        assert used == created, f"{name}: {var}={used!r} but {TOPICS_JOB} has {option} {created!r}"


def test_every_mounted_file_exists(services: dict[str, dict[str, Any]]) -> None:
    """A missing bind-mount source becomes an empty directory and a confusing failure."""
    missing = [
        f"{name}: mounts {source.relative_to(ROOT)} which does not exist"
        for name, service in services.items()
        for source, _ in bind_mounts(service)
        if not source.exists()
    ]
    for name, service in services.items():
        build = service.get("build")
        if build is None:
            continue
        context = ROOT / (build if isinstance(build, str) else build.get("context", "."))
        dockerfile = (
            "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
        )
        if not (context / dockerfile).is_file():
            missing.append(f"{name}: builds from {dockerfile} which does not exist")
    assert not missing, "\n".join(missing)


def mounted_file(service: Mapping[str, Any], target: str) -> Path:
    """The repo file compose mounts at `target`, so tests read what the container reads."""
    sources = [source for source, mounted_at in bind_mounts(service) if mounted_at == target]
    assert sources, f"nothing is mounted at {target}"
    return sources[0]


def test_prometheus_scrapes_every_service(services: dict[str, dict[str, Any]]) -> None:
    """A service missing from the scrape config is invisible on every dashboard."""
    config = _load_yaml(mounted_file(services["prometheus"], "/etc/prometheus/prometheus.yml"))
    scraped = {
        target
        for job in config.get("scrape_configs", [])
        if job.get("metrics_path", "/metrics") == "/metrics"
        for static in job.get("static_configs", [])
        for target in static.get("targets", [])
    }
    missing = [
        f"prometheus: does not scrape {name} at {name}:{cls.model_fields['http_port'].default}"
        for name, cls in SETTINGS.items()
        if f"{name}:{cls.model_fields['http_port'].default}" not in scraped
    ]
    assert not missing, "\n".join(missing)


def dashboard_panels(panels: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every graph panel, including those nested in collapsed rows."""
    for panel in panels:
        if panel.get("type") == "row":
            yield from dashboard_panels(panel.get("panels", []))
        else:
            yield panel


def test_dashboards_parse_and_every_panel_queries_something() -> None:
    """Grafana skips a broken dashboard file with only a log line, and empty panels mislead."""
    files = sorted(DASHBOARDS.glob("*.json"))
    assert files, f"no dashboards in {DASHBOARDS.relative_to(ROOT)}"
    problems = []
    for path in files:
        dashboard = json.loads(path.read_text(encoding="utf-8"))
        panels = list(dashboard_panels(dashboard.get("panels", [])))
        if not panels:
            problems.append(f"{path.name}: has no panels")
        for panel in panels:
            if not any(str(t.get("expr", "")).strip() for t in panel.get("targets", [])):
                problems.append(f"{path.name}: panel {panel.get('title')!r} has no target expr")
    assert not problems, "\n".join(problems)


def test_grafana_provisioning_matches_the_mounts(services: dict[str, dict[str, Any]]) -> None:
    """Provisioning must point where compose mounts the dashboards, and at a real datasource."""
    grafana = services["grafana"]
    mounted = {source: target for source, target in bind_mounts(grafana)}
    assert mounted.get(DASHBOARDS.resolve()), "grafana: infra/grafana/dashboards is not mounted"
    paths = {
        provider["options"]["path"]
        for f in DASHBOARD_PROVIDERS.glob("*.y*ml")
        for provider in _load_yaml(f).get("providers", [])
    }
    assert mounted[DASHBOARDS.resolve()] in paths, (
        f"grafana: dashboards are mounted at {mounted[DASHBOARDS.resolve()]}, "
        f"but providers read {sorted(paths)}"
    )
    uids = {
        source.get("uid")
        for f in DATASOURCES.glob("*.y*ml")
        for source in _load_yaml(f).get("datasources", [])
    }
    for path in sorted(DASHBOARDS.glob("*.json")):
        model = json.loads(path.read_text(encoding="utf-8"))
        # `${datasource}` is the dashboard's variable: its default must be provisioned.
        variables = {v["name"]: v for v in model.get("templating", {}).get("list", [])}
        default = variables.get("datasource", {}).get("current", {}).get("value")
        for panel in dashboard_panels(model["panels"]):
            source = panel.get("datasource")
            uid = source.get("uid") if isinstance(source, dict) else None
            uid = default if uid == "${datasource}" else uid
            assert uid in (None, *uids), (
                f"{path.name}: panel {panel.get('title')!r} uses datasource {uid!r}, "
                f"provisioned are {sorted(map(str, uids))}"
            )


@pytest.mark.parametrize("name", [*SETTINGS, TOPICS_JOB])
def test_each_container_runs_a_module_that_exists(
    services: dict[str, dict[str, Any]], name: str
) -> None:
    """The image's entry point is `python -m`: the command's first word must be importable."""
    command = services[name]["command"]
    module = (command if isinstance(command, list) else shlex.split(command))[0]
    assert importlib.util.find_spec(module) is not None, f"{name}: no module {module!r}"


def test_the_image_build_imports_every_package_it_ships() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    imported = dockerfile.split('python -c "import ', 1)[1].split('"', 1)[0]
    packages = [p.strip() for p in imported.split(",")]
    assert {f"ticketflow_{s}" for s in SETTINGS} <= set(packages)
    assert all(importlib.util.find_spec(p) is not None for p in packages)


@pytest.mark.parametrize("name", [s for s in SETTINGS if s != "identity"])
def test_every_service_verifies_identitys_tokens(
    services: dict[str, dict[str, Any]], name: str
) -> None:
    """One credential for every service: each verifies the access tokens identity issues."""
    issuer = environment(services["identity"]).get("IDENTITY_PUBLIC_URL")
    assert issuer, "identity: IDENTITY_PUBLIC_URL (the issuer of its tokens) is not set"
    var = env_name(SETTINGS[name], "identity_issuer")
    assert environment(services[name]).get(var) == issuer, f"{name}: {var} is not {issuer}"


TRACE_UI = "jaeger"
COLLECTOR = "otel-collector"
COLLECTOR_CONFIG = "/etc/otelcol-contrib/config.yaml"


def test_a_trace_ui_ships_with_the_stack(services: dict[str, dict[str, Any]]) -> None:
    """Traces end somewhere a person can look at them: Jaeger's UI on the loopback port."""
    image = str(services[TRACE_UI]["image"])
    assert image.startswith(("jaegertracing/jaeger:", "jaegertracing/all-in-one:")), image
    assert not image.endswith(":latest"), f"{TRACE_UI}: pin the image, not {image}"
    assert (LOOPBACK, "16686", 16686) in set(published_ports(services[TRACE_UI]))


def test_every_services_traces_reach_the_trace_ui(services: dict[str, dict[str, Any]]) -> None:
    """Each service exports OTLP to the collector, whose traces pipeline sends them to Jaeger."""
    collector_url = f"http://{COLLECTOR}:4318"
    wrong = {
        name: environment(services[name]).get("OTEL_EXPORTER_OTLP_ENDPOINT")
        for name in SETTINGS
        if environment(services[name]).get("OTEL_EXPORTER_OTLP_ENDPOINT") != collector_url
    }
    assert not wrong, f"services not exporting to {collector_url}: {wrong}"
    config = _load_yaml(mounted_file(services[COLLECTOR], COLLECTOR_CONFIG))
    to_ui = [
        name
        for name in config["service"]["pipelines"]["traces"]["exporters"]
        if name.split("/")[0] == "otlp"
        and config["exporters"][name]["endpoint"].startswith(f"{TRACE_UI}:4317")
    ]
    assert to_ui, f"the collector's traces pipeline does not export to {TRACE_UI}:4317"
    assert TRACE_UI in services[COLLECTOR].get("depends_on", {})
