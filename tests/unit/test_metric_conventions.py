"""Every service's metrics follow Prometheus' conventions: counters named `_total`, no `_created`
series, units at the end, and probes and scrapes kept out of the HTTP RED figures."""

import ast
import importlib
from pathlib import Path

import httpx
from fastapi import FastAPI
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest

from tests.prometheus_tools import SERVICE_MAINS
from ticketflow_common import metrics
from ticketflow_common.metrics import HTTP_REQUESTS, Counter, Histogram
from ticketflow_common.web import PROBE_PATHS, RedMetrics, health

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*ROOT.glob("services/*/src/**/*.py"), *ROOT.glob("libs/*/src/**/*.py")])
SHARED_METRICS = ROOT / "libs/common/src/ticketflow_common/metrics.py"
UNITS = ("_seconds", "_bytes", "_ratio")


def ticketflow_families() -> list[tuple[str, str]]:
    """(name as registered, type) of every ticketflow_* metric the services register."""
    for module in (*SERVICE_MAINS, "ticketflow_common.web"):
        importlib.import_module(module)
    return [
        (family.name, family.type)
        for family in REGISTRY.collect()
        if family.name.startswith("ticketflow_")
    ]


def test_metrics_are_made_with_the_shared_module_so_created_series_are_off() -> None:
    """prometheus_client decides about `_created` when a metric is made: a module importing it
    directly could make its metrics before ticketflow_common.metrics has turned them off."""
    direct = [
        str(path.relative_to(ROOT))
        for path in SOURCES
        if path != SHARED_METRICS
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom)
        and node.module == "prometheus_client"
        and {alias.name for alias in node.names} & {"Counter", "Gauge", "Histogram", "Summary"}
    ]
    assert not direct, f"make metrics with ticketflow_common.metrics' classes: {direct}"


def test_no_created_series_are_exposed() -> None:
    registry = CollectorRegistry()
    Counter("probe_things_total", "things", ["kind"], registry=registry).labels("a").inc()
    Histogram("probe_wait_seconds", "wait", registry=registry).observe(1)
    exposed = generate_latest(registry).decode()
    assert "probe_things_total" in exposed
    assert "_created" not in exposed, exposed
    ticketflow_families()
    created = [
        sample.name
        for family in REGISTRY.collect()
        for sample in family.samples
        if sample.name == f"{family.name}_created"
    ]
    assert not created, f"{metrics.__name__} did not turn _created off for {created}"


def test_counters_are_named_total_in_the_code_as_exposed() -> None:
    """The name in the code is the name in PromQL, so a grep for either finds both."""
    source = "\n".join(path.read_text(encoding="utf-8") for path in SOURCES)
    unsuffixed = [
        name
        for name, kind in ticketflow_families()
        if kind == "counter" and f'"{name}_total"' not in source
    ]
    assert not unsuffixed, f"counters to name with their _total: {unsuffixed}"


def test_gauges_and_histograms_do_not_look_like_counters_and_histograms_carry_a_unit() -> None:
    problems = [
        f"{name} ({kind})"
        for name, kind in ticketflow_families()
        if (kind != "counter" and name.endswith(("_total", "_count", "_sum", "_bucket")))
        or (kind == "histogram" and not name.endswith(UNITS))
    ]
    assert not problems, f"misnamed: {problems}"


def _requests(path: str) -> float:
    return sum(
        sample.value
        for family in HTTP_REQUESTS.collect()
        for sample in family.samples
        if sample.name.endswith("_total")
        and sample.labels.get("service") == "conventions"
        and sample.labels.get("route") == path
    )


async def test_probes_and_scrapes_are_not_counted_as_requests() -> None:
    assert {"/healthz", "/readyz", "/metrics"} <= PROBE_PATHS
    app = FastAPI()
    app.include_router(health)

    @app.get("/things")
    async def things() -> dict[str, str]:
        return {"status": "ok"}

    app.add_middleware(RedMetrics, service="conventions")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        before = {path: _requests(path) for path in ("/healthz", "/metrics", "/things")}
        for path in ("/healthz", "/metrics", "/things"):
            assert (await client.get(path)).status_code == 200
    after = {path: _requests(path) for path in before}
    assert after["/healthz"] == before["/healthz"] == 0
    assert after["/metrics"] == before["/metrics"] == 0
    assert after["/things"] == before["/things"] + 1
