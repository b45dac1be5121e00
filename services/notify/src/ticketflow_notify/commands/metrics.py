"""Notify's own Prometheus metrics: outcomes per channel, latency, backlog, disabled endpoints."""

from ticketflow_common.metrics import Counter, Gauge, Histogram

DELIVERY_ATTEMPTS = Counter(
    "ticketflow_notify_delivery_attempts_total",
    "Delivery attempts by channel and outcome (delivered, retry_scheduled, failed, refused).",
    ["channel", "outcome"],
)
DELIVERIES_CREATED = Counter(
    "ticketflow_notify_deliveries_created_total",
    "Deliveries created from events, by channel and how (direct, digested, held, duplicate).",
    ["channel", "how"],
)
EVENT_TO_DELIVERY_SECONDS = Histogram(
    "ticketflow_notify_event_to_delivery_seconds",
    "From an event's time to its successful delivery, by channel.",
    ["channel"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 7200, 36000, 86400),
)
ATTEMPT_SECONDS = Histogram(
    "ticketflow_notify_attempt_seconds",
    "Duration of one delivery attempt, by channel.",
    ["channel"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30),
)
RETRY_BACKLOG = Gauge(
    "ticketflow_notify_retry_backlog",
    "Pending deliveries that failed at least once and wait for their next attempt.",
    ["channel"],
)
DISABLED_ENDPOINTS = Gauge(
    "ticketflow_notify_disabled_endpoints",
    "Endpoints disabled (after failing for days, or by hand).",
)
CIRCUIT_OPENED = Counter(
    "ticketflow_notify_circuit_opened_total",
    "Times an endpoint's circuit breaker opened.",
)
AUTOMATION_ACTIONS = Counter(
    "ticketflow_notify_automation_actions_total",
    "notify and call_webhook actions of rules and macros: planned as deliveries, or failed"
    " (target nobody could be found for, endpoint unknown or disabled).",
    ["action", "outcome"],
)
