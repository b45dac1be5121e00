"""Insights' Prometheus metrics, set by its commands."""

from prometheus_client import Counter, Gauge

INSIGHTS_OPEN_TICKETS = Gauge(
    "ticketflow_insights_open_tickets", "Open tickets per team, as the facts know them.", ["team"]
)

# facts
INSIGHTS_ARRIVALS = Counter(
    "ticketflow_insights_arrivals",
    "Tickets created, per team and channel, as insights ingested them.",
    ["team", "channel"],
)

# scorecards
INSIGHTS_SCORECARD = Gauge(
    "ticketflow_insights_scorecard",
    "Each team's scorecard figures, week to date (UTC weeks from Monday).",
    ["team", "figure"],
)
