"""Insights' Prometheus metrics, set by its commands."""

from prometheus_client import Gauge

INSIGHTS_OPEN_TICKETS = Gauge(
    "ticketflow_insights_open_tickets", "Open tickets per team, as the facts know them.", ["team"]
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
