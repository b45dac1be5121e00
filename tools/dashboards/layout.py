"""Grafana dashboard JSON from a few typed building blocks: queries, panels and rows.

Panels are laid out left to right in rows of 24 grid units. Every dashboard has three template
variables: `datasource` (any Prometheus; by default the one provisioned by
`infra/grafana/provisioning/datasources/prometheus.yml`), `job` and `instance`; every panel and
query uses `$datasource`, and every series a query selects is filtered on `job=~"$job"` and
`instance=~"$instance"` (added here, so no query can forget them).
"""

import re
from dataclasses import dataclass
from typing import Any, Literal

DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
DEFAULT_DATASOURCE = "prometheus"
SCOPE = 'job=~"$job", instance=~"$instance"'
# A selector of a scraped series: a Ticketflow or process metric, or `up`, with its matchers.
_SELECTOR = re.compile(r"\b((?:ticketflow|process)_[a-z0-9_]+|up)\b(?:\{([^}]*)\})?")
GRID_WIDTH = 24
PANEL_HEIGHT = 8
ROW_HEIGHT = 1

PanelKind = Literal["timeseries", "stat", "bargauge"]


@dataclass(frozen=True)
class Query:
    expr: str
    legend: str = ""
    instant: bool = False


@dataclass(frozen=True)
class Threshold:
    """Colour from `value` upwards (the first step of a panel starts at minus infinity)."""

    color: str
    value: float | None = None


@dataclass(frozen=True)
class Panel:
    title: str
    queries: tuple[Query, ...]
    description: str
    kind: PanelKind = "timeseries"
    unit: str = "short"
    width: int = 12
    min: float | None = 0
    max: float | None = None
    thresholds: tuple[Threshold, ...] = ()
    stacked: bool = False


@dataclass(frozen=True)
class Row:
    title: str
    panels: tuple[Panel, ...]


@dataclass(frozen=True)
class Dashboard:
    uid: str
    title: str
    description: str
    rows: tuple[Row, ...]
    tags: tuple[str, ...] = ("ticketflow",)
    time_from: str = "now-6h"
    refresh: str = "30s"


def _field_config(panel: Panel) -> dict[str, Any]:
    defaults: dict[str, Any] = {"unit": panel.unit}
    if panel.min is not None:
        defaults["min"] = panel.min
    if panel.max is not None:
        defaults["max"] = panel.max
    steps = panel.thresholds or (Threshold("green"),)
    defaults["thresholds"] = {
        "mode": "absolute",
        "steps": [
            {"color": step.color, "value": None if i == 0 else step.value}
            for i, step in enumerate(steps)
        ],
    }
    if panel.kind == "timeseries":
        custom: dict[str, Any] = {"lineWidth": 1, "fillOpacity": 10, "showPoints": "never"}
        if panel.stacked:
            custom["stacking"] = {"mode": "normal", "group": "A"}
            custom["fillOpacity"] = 40
        if panel.thresholds:
            custom["thresholdsStyle"] = {"mode": "line"}
        defaults["custom"] = custom
    else:
        defaults["color"] = {"mode": "thresholds"}
    return {"defaults": defaults, "overrides": []}


def _options(panel: Panel) -> dict[str, Any]:
    reduce = {"calcs": ["lastNotNull"], "fields": "", "values": False}
    if panel.kind == "stat":
        return {
            "reduceOptions": reduce,
            "colorMode": "value",
            "graphMode": "area",
            "justifyMode": "auto",
            "textMode": "auto",
            "orientation": "auto",
        }
    if panel.kind == "bargauge":
        return {
            "reduceOptions": reduce,
            "displayMode": "gradient",
            "orientation": "horizontal",
            "showUnfilled": True,
        }
    return {
        "legend": {"displayMode": "list", "placement": "bottom", "showLegend": True},
        "tooltip": {"mode": "multi", "sort": "desc"},
    }


def scoped(expr: str) -> str:
    """`expr` with every series selector filtered on the dashboard's job and instance."""

    def scope(match: re.Match[str]) -> str:
        matchers = (match.group(2) or "").strip()
        return f"{match.group(1)}{{{matchers + ', ' if matchers else ''}{SCOPE}}}"

    return _SELECTOR.sub(scope, expr)


def _variables() -> list[dict[str, Any]]:
    """Which Prometheus, and which services' jobs and instances, every query reads."""

    def query_variable(name: str, label: str, selector: str) -> dict[str, Any]:
        definition = f"label_values({selector}, {label})"
        return {
            "type": "query",
            "name": name,
            "label": label,
            "datasource": DATASOURCE,
            "definition": definition,
            "query": {"query": definition, "refId": f"{name}-values"},
            "refresh": 2,
            "sort": 1,
            "multi": True,
            "includeAll": True,
            "allValue": ".*",
            "current": {"selected": True, "text": ["All"], "value": ["$__all"]},
            "hide": 0,
        }

    return [
        {
            "type": "datasource",
            "name": "datasource",
            "label": "Data source",
            "query": "prometheus",
            "regex": "",
            "current": {"selected": True, "text": "Prometheus", "value": DEFAULT_DATASOURCE},
            "hide": 0,
        },
        query_variable("job", "job", 'up{job!="prometheus"}'),
        query_variable("instance", "instance", 'up{job=~"$job"}'),
    ]


def _target(query: Query, ref: str) -> dict[str, Any]:
    return {
        "refId": ref,
        "datasource": DATASOURCE,
        "expr": scoped(query.expr),
        "legendFormat": query.legend or "__auto",
        "range": not query.instant,
        "instant": query.instant,
    }


def _panel_json(panel: Panel, panel_id: int, x: int, y: int) -> dict[str, Any]:
    return {
        "id": panel_id,
        "type": panel.kind,
        "title": panel.title,
        "description": panel.description,
        "gridPos": {"h": PANEL_HEIGHT, "w": panel.width, "x": x, "y": y},
        "datasource": DATASOURCE,
        "fieldConfig": _field_config(panel),
        "options": _options(panel),
        "targets": [_target(q, chr(ord("A") + i)) for i, q in enumerate(panel.queries)],
    }


def render(dashboard: Dashboard) -> dict[str, Any]:
    """The dashboard as Grafana's JSON model (schemaVersion 39), rows expanded."""
    panels: list[dict[str, Any]] = []
    panel_id, y = 1, 0
    for row in dashboard.rows:
        panels.append(
            {
                "id": panel_id,
                "type": "row",
                "title": row.title,
                "collapsed": False,
                "gridPos": {"h": ROW_HEIGHT, "w": GRID_WIDTH, "x": 0, "y": y},
                "panels": [],
            }
        )
        panel_id += 1
        y += ROW_HEIGHT
        x = 0
        for panel in row.panels:
            if x + panel.width > GRID_WIDTH:
                x, y = 0, y + PANEL_HEIGHT
            panels.append(_panel_json(panel, panel_id, x, y))
            panel_id += 1
            x += panel.width
        y += PANEL_HEIGHT
    return {
        "uid": dashboard.uid,
        "title": dashboard.title,
        "description": dashboard.description,
        "tags": list(dashboard.tags),
        "editable": False,
        "graphTooltip": 1,
        "refresh": dashboard.refresh,
        "schemaVersion": 39,
        "version": 1,
        "time": {"from": dashboard.time_from, "to": "now"},
        "timepicker": {},
        "timezone": "browser",
        "templating": {"list": _variables()},
        "annotations": {"list": []},
        "links": [
            {
                "type": "dashboards",
                "tags": ["ticketflow"],
                "title": "Ticketflow",
                "asDropdown": True,
            }
        ],
        "panels": panels,
    }
