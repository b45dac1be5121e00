"""Prometheus metrics every service exposes: RED for HTTP and consumers, outbox and lag.

Services define their own metrics with the `Counter`, `Gauge` and `Histogram` imported from
here, so that `_created` series are off before any metric exists: prometheus_client decides
per metric, when it is made, and they double the series for no figure anyone reads. Counters
are named with their `_total`, as they are exposed (and grepped for).
"""

from prometheus_client import Counter, Gauge, Histogram, disable_created_metrics

disable_created_metrics()  # type: ignore[no-untyped-call]

__all__ = ["Counter", "Gauge", "Histogram"]

HTTP_REQUESTS = Counter(
    "ticketflow_http_requests_total",
    "HTTP requests handled, by route and status.",
    ["service", "method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "ticketflow_http_request_duration_seconds",
    "HTTP request latency.",
    ["service", "method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
EVENTS_CONSUMED = Counter(
    "ticketflow_events_consumed_total",
    "Events taken from Kafka, by outcome (processed, duplicate, ignored, dead_lettered).",
    ["service", "topic", "event_type", "outcome"],
)
EVENT_HANDLE_SECONDS = Histogram(
    "ticketflow_event_handle_seconds",
    "Time to apply one event, its effect and its processed-event record.",
    ["service", "event_type"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
HANDLER_RETRIES = Counter(
    "ticketflow_event_handler_retries_total",
    "Failed attempts at handling an event that were retried.",
    ["service", "event_type"],
)
CONSUMER_LAG = Gauge(
    "ticketflow_consumer_lag_messages",
    "Messages behind the partition's end, per topic and partition.",
    ["service", "topic", "partition"],
)
OUTBOX_PUBLISHED = Counter(
    "ticketflow_outbox_published_total",
    "Events the relay published to Kafka.",
    ["service", "topic"],
)
OUTBOX_BACKLOG = Gauge(
    "ticketflow_outbox_backlog",
    "Events committed to the outbox and not yet published.",
    ["service"],
)
DEAD_LETTERS = Counter(
    "ticketflow_dead_letters_total",
    "Messages sent to a dead-letter topic.",
    ["service", "topic"],
)
PROCESSED_EVENTS_PRUNED = Counter(
    "ticketflow_processed_events_pruned_total",
    "Processed-event records deleted once older than the retention horizon.",
    ["service"],
)
