"""Insights' Prometheus metrics, set by its commands."""

from ticketflow_common.metrics import Counter, Gauge

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

# risk (breach risk of open tickets)
INSIGHTS_AT_RISK_TICKETS = Gauge(
    "ticketflow_insights_at_risk_tickets",
    "Open tickets per team whose chance of breaching an SLA target is at or above the threshold.",
    ["team"],
)
INSIGHTS_AT_RISK_EVENTS = Counter(
    "ticketflow_insights_at_risk_events_total",
    "sla.at_risk events emitted per team (once per clock cycle, before any warning).",
    ["team"],
)
# facts
INSIGHTS_ARRIVALS = Counter(
    "ticketflow_insights_arrivals_total",
    "Tickets created, per team and channel, as insights ingested them.",
    ["team", "channel"],
)

# forecast
INSIGHTS_FORECAST_ARRIVALS = Gauge(
    "ticketflow_insights_forecast_arrivals",
    "Arrivals forecast for the current 30-minute interval, per team.",
    ["team"],
)
INSIGHTS_ACTUAL_ARRIVALS = Gauge(
    "ticketflow_insights_actual_arrivals",
    "Arrivals so far in the current 30-minute interval, per team.",
    ["team"],
)
INSIGHTS_FORECAST_WAPE = Gauge(
    "ticketflow_insights_forecast_wape_ratio",
    "Backtest WAPE of the 30-minute forecast (0.1 is 10%): the model and the seasonal-naive"
    " baseline.",
    ["team", "model"],
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
