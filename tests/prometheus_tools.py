"""Prometheus for tests: Debian's binaries (installed on demand), the dashboards' panel queries
with Grafana's variables made concrete, and a throwaway server on 127.0.0.1."""

import asyncio
import importlib
import json
import math
import re
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml
from prometheus_client import REGISTRY

from tests.infra import ROOT
from ticketflow_common.schema_catalog import SERVICES

INSTALL_SCRIPT = ROOT / "infra" / "local" / "prometheus.sh"
PROMETHEUS_DIR = ROOT / "infra" / "prometheus"
DASHBOARDS = ROOT / "infra" / "grafana" / "dashboards"
# What Grafana puts in place of its variables; the live test widens the windows to its run.
GRAFANA_DEFAULTS = {
    "__rate_interval": "1m",
    "__range": "1h",
    "__interval": "15s",
    "job": ".*",
    "instance": ".*",
}
# Importing a service's main module imports every module that registers its metrics.
SERVICE_MAINS = tuple(f"ticketflow_{name}.main" for name in SERVICES)
_VARIABLE = re.compile(r"\$(\w+)|\$\{(\w+)\}|\[\[(\w+)\]\]")


@dataclass(frozen=True)
class PrometheusBinaries:
    prometheus: Path
    promtool: Path


def install_prometheus() -> PrometheusBinaries:
    """Run infra/local/prometheus.sh (a no-op once installed) and locate both binaries."""
    done = subprocess.run(
        [str(INSTALL_SCRIPT), "install"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"{INSTALL_SCRIPT.name} failed:\n{done.stdout}\n{done.stderr}"
    found = {name: shutil.which(name) for name in ("prometheus", "promtool")}
    assert all(found.values()), f"not on PATH after {INSTALL_SCRIPT.name}: {found}"
    return PrometheusBinaries(Path(str(found["prometheus"])), Path(str(found["promtool"])))


@dataclass(frozen=True)
class PanelQuery:
    dashboard: str
    panel: str
    ref: str
    expr: str

    def __str__(self) -> str:
        return f"{self.dashboard} / {self.panel} / {self.ref}: {self.expr}"


def _panels(panels: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for panel in panels:
        if panel.get("type") == "row":
            yield from _panels(panel.get("panels", []))
        else:
            yield panel


def dashboard_queries() -> list[PanelQuery]:
    """Every target of every panel of every provisioned dashboard, as written."""
    found = []
    for path in sorted(DASHBOARDS.glob("*.json")):
        model = json.loads(path.read_text(encoding="utf-8"))
        for panel in _panels(model.get("panels", [])):
            for target in panel.get("targets", []):
                found.append(
                    PanelQuery(model["title"], panel["title"], target["refId"], target["expr"])
                )
    return found


def concrete(expr: str, values: Mapping[str, str] = GRAFANA_DEFAULTS) -> str:
    """`expr` with Grafana's variables ($__rate_interval, ${x}, [[x]]) replaced by `values`."""

    def value(match: re.Match[str]) -> str:
        name = next(group for group in match.groups() if group)
        assert name in values, f"no value for the Grafana variable {name!r} in {expr}"
        return values[name]

    return _VARIABLE.sub(value, expr)


def metric_names(expr: str) -> set[str]:
    """The Ticketflow and process metric families an expression reads."""
    names = set(re.findall(r"\b((?:ticketflow|process)_[a-z0-9_]+)", expr))
    return {re.sub(r"_(bucket|sum|count)$", "", name) for name in names}


def registered_metrics() -> set[str]:
    """Every metric family the services' code registers, as /metrics exposes it: counters only
    by their _total name (the bare family name is no series at all)."""
    for module in (*SERVICE_MAINS, "ticketflow_common.web"):
        importlib.import_module(module)
    return {
        f"{family.name}_total" if family.type == "counter" else family.name
        for family in REGISTRY.collect()
    }


def scrape_config(targets: Mapping[str, str], *, rule_files: list[Path]) -> dict[str, Any]:
    """infra/prometheus/prometheus.yml (same jobs, so the same labels), scraping `targets`
    (job -> host:port) every second and evaluating `rule_files` every second."""
    config: dict[str, Any] = yaml.safe_load(
        (PROMETHEUS_DIR / "prometheus.yml").read_text(encoding="utf-8")
    )
    config["global"] = {"scrape_interval": "1s", "evaluation_interval": "1s"}
    config["rule_files"] = [str(path) for path in rule_files]
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    missing = set(targets) - set(jobs)
    assert not missing, f"prometheus.yml has no job for {sorted(missing)}"
    config["scrape_configs"] = [
        {**jobs[name], "static_configs": [{"targets": [target]}]}
        for name, target in targets.items()
    ]
    return config


@dataclass
class PrometheusServer:
    """A Prometheus process on 127.0.0.1 with its own config and data under `workdir`."""

    binary: Path
    workdir: Path
    port: int
    process: asyncio.subprocess.Process | None = field(default=None, init=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.workdir / "prometheus.log"

    async def start(self, config: dict[str, Any]) -> None:
        config_path = self.workdir / "prometheus.yml"
        config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        log = self.log_path.open("ab")
        self.process = await asyncio.create_subprocess_exec(
            str(self.binary),
            f"--config.file={config_path}",
            f"--storage.tsdb.path={self.workdir / 'data'}",
            f"--web.listen-address=127.0.0.1:{self.port}",
            "--storage.tsdb.retention.time=1d",
            stdout=log,
            stderr=log,
        )
        log.close()

    async def ready(self) -> bool:
        if self.process is not None and self.process.returncode is not None:
            raise AssertionError(f"prometheus exited: {self.tail_log()}")
        try:
            async with httpx.AsyncClient(timeout=2) as http:
                return (await http.get(f"{self.url}/-/ready")).status_code == 200
        except httpx.TransportError:
            return False

    async def query(self, expr: str) -> list[dict[str, Any]]:
        """Instant query at now; fails with Prometheus' error for an invalid expression."""
        async with httpx.AsyncClient(timeout=10) as http:
            answer = await http.get(f"{self.url}/api/v1/query", params={"query": expr})
        body = answer.json()
        assert body.get("status") == "success", f"{expr}\n  -> {body.get('error', body)}"
        result: list[dict[str, Any]] = body["data"]["result"]
        return result

    async def firing_alerts(self) -> list[dict[str, Any]]:
        async with httpx.AsyncClient(timeout=10) as http:
            body = (await http.get(f"{self.url}/api/v1/alerts")).json()
        return [a for a in body["data"]["alerts"] if a["state"] == "firing"]

    async def stop(self) -> int | None:
        if self.process is None or self.process.returncode is not None:
            return None if self.process is None else self.process.returncode
        self.process.terminate()
        try:
            return await asyncio.wait_for(self.process.wait(), timeout=30)
        except TimeoutError:
            self.process.kill()
            return await self.process.wait()

    def tail_log(self, lines: int = 30) -> str:
        if not self.log_path.exists():
            return "(no log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def finite_values(result: list[dict[str, Any]]) -> list[float]:
    """The finite sample values of an instant vector (NaN, as in 0/0, is not data)."""
    values = [float(series["value"][1]) for series in result]
    return [v for v in values if math.isfinite(v)]
