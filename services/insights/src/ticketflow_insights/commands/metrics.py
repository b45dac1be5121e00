"""Insights' Prometheus metrics, set by its commands."""

from prometheus_client import Gauge

INSIGHTS_OPEN_TICKETS = Gauge(
    "ticketflow_insights_open_tickets", "Open tickets per team, as the facts know them.", ["team"]
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
    "ticketflow_insights_forecast_wape",
    "Backtest WAPE of the 30-minute forecast: the model and the seasonal-naive baseline.",
    ["team", "model"],
)
