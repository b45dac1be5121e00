"""Insights' Prometheus metrics, set by its commands."""

from prometheus_client import Counter, Gauge

INSIGHTS_OPEN_TICKETS = Gauge(
    "ticketflow_insights_open_tickets", "Open tickets per team, as the facts know them.", ["team"]
)

# scorecards
INSIGHTS_SCORECARD = Gauge(
    "ticketflow_insights_scorecard",
    "Each team's scorecard figures, week to date (UTC weeks from Monday).",
    ["team", "figure"],
)

# reports
INSIGHTS_REPORTS_PUBLISHED = Counter(
    "ticketflow_insights_reports_published_total",
    "Reports stored and announced (report.published), per kind.",
    ["kind"],
)
