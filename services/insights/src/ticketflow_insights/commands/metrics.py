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

# staffing
INSIGHTS_REQUIRED_AGENTS = Gauge(
    "ticketflow_insights_required_agents",
    "Agents the team's target needs on the roster in the current interval (Erlang C/A).",
    ["team"],
)
INSIGHTS_SCHEDULED_AGENTS = Gauge(
    "ticketflow_insights_scheduled_agents",
    "Agents of the team on shift in the current interval.",
    ["team"],
)
INSIGHTS_STAFFING_GAPS = Gauge(
    "ticketflow_insights_staffing_gaps",
    "Understaffed windows of the team in the announcement horizon (48 h by default).",
    ["team"],
)
