"""The Grafana dashboards: rendered from tools/dashboards, every panel query valid PromQL, and
every dashboard selectable by datasource, job and instance."""

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import yaml

from tests.prometheus_tools import (
    DASHBOARDS,
    PrometheusBinaries,
    concrete,
    dashboard_queries,
    metric_names,
    registered_metrics,
)
from tests.unit.test_docker_compose import dashboard_panels
from tools.dashboards.__main__ import stale

# A selector of a scraped series (a Ticketflow or process metric, or `up`) and its matchers.
SERIES_SELECTOR = re.compile(r"\b((?:ticketflow|process)_[a-z0-9_]+|up)\b(?:\{([^}]*)\})?")

# Issue 7's list of what the first two dashboards show (issue 14's for Planning, issue 15's for
# Knowledge, issue 18's for Automation), by a word each panel title must contain.
SERVICE_DESK_TOPICS = (
    "created",
    "resolved",
    "backlog by status",
    "backlog by team",
    "backlog by priority",
    "first response",
    "resolution time",
    "achievement by policy",
    "achievement by team",
    "breaches per hour by policy",
    "breaches per hour by team",
    "unowned",
    "oldest unowned",
    "queue depth",
    "utilisation",
    "csat trend",
    "csat",
    "first-contact resolution",
)
SERVICES_TOPICS = (
    "requests per second",
    "error ratio",
    "latency",
    "consumer lag",
    "outbox backlog",
    "dead letters",
    "timer fire lateness",
    "delivery attempts",
    "cpu",
    "memory",
)
PLANNING_TOPICS = (
    "forecast vs actual arrivals",
    "wape",
    "required vs scheduled agents",
    "staffing gaps",
    "at risk",
    "at-risk alerts",
    "handled",
    "sla achievement",
    "first-contact resolution",
    "csat",
    "reopen rate",
    "p50/p90",
    "reports published",
    "arrivals rate",
)
KNOWLEDGE_TOPICS = (
    "suggestions per minute by found",
    "suggestion latency",
    "found share",
    "deflections",
    "items by kind and live",
    "articles published",
    "problems resolved",
)
AUTOMATION_TOPICS = (
    "firings per minute by trigger",
    "suppressions",
    "macros applied",
    "evaluation time per event",
    "rule timer lateness",
    "active rules",
    "rule timers pending",
)


def test_committed_dashboards_are_what_tools_dashboards_renders() -> None:
    outdated = [str(path.name) for path in stale()]
    assert outdated == [], "run `uv run python -m tools.dashboards --write` and commit the result"


def test_dashboards_show_what_the_issue_asks_for() -> None:
    titles: dict[str, set[str]] = {}
    for query in dashboard_queries():
        titles.setdefault(query.dashboard, set()).add(query.panel.lower())
    expected = {
        "Ticketflow service desk": SERVICE_DESK_TOPICS,
        "Ticketflow services": SERVICES_TOPICS,
        "Ticketflow planning": PLANNING_TOPICS,
        "Ticketflow knowledge": KNOWLEDGE_TOPICS,
        "Ticketflow automation": AUTOMATION_TOPICS,
    }
    missing = [
        f"{dashboard}: no panel about {topic!r}"
        for dashboard, topics in expected.items()
        for topic in topics
        if not any(topic in title for title in titles.get(dashboard, set()))
    ]
    assert not missing, "\n".join(missing)


def test_every_panel_query_reads_metrics_the_code_registers() -> None:
    """A misspelt or never-registered metric is a panel that stays empty without an error."""
    registered = registered_metrics()
    unknown = [
        f"{query}: {name} is registered by no service"
        for query in dashboard_queries()
        for name in sorted(metric_names(query.expr) - registered)
    ]
    assert not unknown, "\n".join(unknown)


def test_every_panel_query_is_valid_promql(
    prometheus_binaries: PrometheusBinaries, tmp_path: Path
) -> None:
    """promtool parses each query (as a recording rule), Grafana's variables made concrete."""
    queries = dashboard_queries()
    rules = {
        "groups": [
            {
                "name": "dashboard-queries",
                "rules": [
                    {"record": f"panel:query_{i}", "expr": concrete(q.expr)}
                    for i, q in enumerate(queries)
                ],
            }
        ]
    }
    path = tmp_path / "panels.yml"
    path.write_text(yaml.safe_dump(rules), encoding="utf-8")
    checked = subprocess.run(
        [str(prometheus_binaries.promtool), "check", "rules", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if checked.returncode != 0:
        # Name the panel behind each failing rule.
        named = checked.stdout + checked.stderr
        for i, query in reversed(list(enumerate(queries))):  # query_12 before query_1
            named = named.replace(f"panel:query_{i}", str(query))
        raise AssertionError(named)


def _dashboards() -> list[dict[str, Any]]:
    return [
        json.loads(path.read_text(encoding="utf-8")) for path in sorted(DASHBOARDS.glob("*.json"))
    ]


def test_every_dashboard_has_datasource_job_and_instance_variables() -> None:
    """One dashboard for any Prometheus (staging, production) and any replica of a service."""
    problems = []
    for model in _dashboards():
        variables = {v["name"]: v for v in model["templating"]["list"]}
        if variables.get("datasource", {}).get("type") != "datasource":
            problems.append(f"{model['title']}: no datasource variable")
        elif variables["datasource"].get("query") != "prometheus":
            problems.append(f"{model['title']}: the datasource variable is not of Prometheus")
        for name in ("job", "instance"):
            variable = variables.get(name, {})
            if variable.get("type") != "query" or f", {name})" not in variable.get(
                "definition", ""
            ):
                problems.append(
                    f"{model['title']}: no {name} variable of label_values(..., {name})"
                )
            elif not (variable.get("includeAll") and variable.get("multi")):
                problems.append(f"{model['title']}: {name} cannot select all or several")
        if '"$job"' not in variables.get("instance", {}).get("definition", ""):
            problems.append(f"{model['title']}: instances are not those of the selected jobs")
    assert not problems, "\n".join(problems)


def test_every_panel_and_query_reads_the_selected_datasource() -> None:
    wrong = [
        f"{model['title']} / {panel['title']}{' / ' + where if where else ''}: {source}"
        for model in _dashboards()
        for panel in dashboard_panels(model["panels"])
        for where, source in [
            ("", panel.get("datasource")),
            *((t["refId"], t.get("datasource")) for t in panel.get("targets", [])),
        ]
        if source != {"type": "prometheus", "uid": "${datasource}"}
    ]
    assert not wrong, "\n".join(wrong)


def test_every_series_a_query_selects_is_filtered_on_job_and_instance() -> None:
    """A query without the filters shows every replica's series whatever one selects."""
    unscoped = [
        f"{query}: {selector.group(0)}"
        for query in dashboard_queries()
        for selector in SERIES_SELECTOR.finditer(query.expr)
        if not {'job=~"$job"', 'instance=~"$instance"'}
        <= {m.strip() for m in (selector.group(2) or "").split(",")}
    ]
    assert not unscoped, "\n".join(unscoped)
