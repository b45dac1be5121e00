"""The Services dashboard: what SREs watch on each of the eight services.

Ticketflow's own metrics carry a `service` label; the process metrics of prometheus-client carry
only the scrape `job`, which infra/prometheus/prometheus.yml names after the service.
"""

from tools.dashboards.layout import Dashboard, Panel, Query, Row, Threshold
from tools.dashboards.promql import quantile

JOBS = '{job=~"intake|routing|sla|notify|insights|knowledge|mail|identity|automation"}'
REQUESTS = "ticketflow_http_requests_total"
HTTP_RATE = f"sum by (service) (rate({REQUESTS}[$__rate_interval]))"


def _http_share(status: str) -> str:
    """Share of requests answered with `status` (a regex); 0 when none were."""
    errors = f'sum by (service) (rate({REQUESTS}{{status=~"{status}"}}[$__rate_interval]))'
    return f"({errors} or 0 * {HTTP_RATE}) / {HTTP_RATE}"


HTTP = Row(
    "HTTP",
    (
        Panel(
            "Scrape targets up",
            (Query(f"up{JOBS}", "{{job}}"),),
            "1 when Prometheus reached the service's /metrics on its last scrape.",
            kind="stat",
            width=24,
            thresholds=(Threshold("red"), Threshold("green", 1)),
        ),
        Panel(
            "Requests per second by service",
            (Query(HTTP_RATE, "{{service}}"),),
            "Every HTTP request handled, health and metrics included.",
            unit="reqps",
            stacked=True,
        ),
        Panel(
            "Error ratio by service",
            (
                Query(_http_share("5.."), "{{service}} 5xx"),
                Query(_http_share("4.."), "{{service}} 4xx"),
            ),
            "Server errors (5xx) and refused requests (4xx) over all requests.",
            unit="percentunit",
            thresholds=(Threshold("green"), Threshold("red", 0.05)),
        ),
        Panel(
            "Latency by service (p50, p99)",
            (
                Query(
                    quantile(0.5, "ticketflow_http_request_duration_seconds", by="service"),
                    "{{service}} p50",
                ),
                Query(
                    quantile(0.99, "ticketflow_http_request_duration_seconds", by="service"),
                    "{{service}} p99",
                ),
            ),
            "Time from request to response.",
            unit="s",
        ),
        Panel(
            "Slowest routes (p99)",
            (
                Query(
                    "topk(5, "
                    + quantile(
                        0.99, "ticketflow_http_request_duration_seconds", by="service, route"
                    )
                    + ")",
                    "{{service}} {{route}}",
                ),
            ),
            "The five route templates with the highest 99th percentile latency.",
            unit="s",
        ),
    ),
)

CONSUMERS = Row(
    "Kafka consumers and outbox",
    (
        Panel(
            "Events consumed per second by service and outcome",
            (
                Query(
                    "sum by (service, outcome) "
                    "(rate(ticketflow_events_consumed_total[$__rate_interval]))",
                    "{{service}} {{outcome}}",
                ),
            ),
            "processed, duplicate (redelivered, skipped), ignored, dead_lettered.",
            unit="ops",
        ),
        Panel(
            "Event handling time by service (p99)",
            (
                Query(
                    quantile(0.99, "ticketflow_event_handle_seconds", by="service"),
                    "{{service}}",
                ),
            ),
            "Applying one event: its effect and its processed-event record, in one transaction.",
            unit="s",
        ),
        Panel(
            "Consumer lag by topic and group",
            (
                Query(
                    "sum by (service, topic) (ticketflow_consumer_lag_messages)",
                    "{{topic}} (group {{service}})",
                ),
            ),
            "Messages behind the end of the topic, summed over partitions; each service "
            "consumes in its own group.",
        ),
        Panel(
            "Dead letters (DLQ size)",
            (
                Query(
                    "sum by (service, topic) (ticketflow_dead_letters_total)",
                    "{{topic}}.dlq.{{service}}",
                ),
            ),
            "Messages each service parked on <topic>.dlq.<service> (unprocessable events and "
            "exhausted webhook deliveries) since its processes started.",
            thresholds=(Threshold("green"), Threshold("red", 1)),
        ),
        Panel(
            "Outbox backlog by service",
            (Query("max by (service) (ticketflow_outbox_backlog)", "{{service}}"),),
            "Events committed to the outbox and not yet published to Kafka.",
        ),
        Panel(
            "Events published per second by service and topic",
            (
                Query(
                    "sum by (service, topic) "
                    "(rate(ticketflow_outbox_published_total[$__rate_interval]))",
                    "{{service}} → {{topic}}",
                ),
            ),
            "What the outbox relays publish.",
            unit="ops",
        ),
    ),
)

ROUTING_AND_TIMERS = Row(
    "Routing decisions and SLA timers",
    (
        Panel(
            "Routing decisions per second by kind",
            (
                Query(
                    "sum by (kind) (rate(ticketflow_routing_decisions_total[$__rate_interval]))",
                    "{{kind}}",
                ),
            ),
            "assigned, queued (no eligible agent) or unassigned.",
            unit="ops",
            stacked=True,
        ),
        Panel(
            "Routing decision time (p50, p99)",
            (
                Query(quantile(0.5, "ticketflow_routing_decision_seconds"), "p50"),
                Query(quantile(0.99, "ticketflow_routing_decision_seconds"), "p99"),
            ),
            "Finding, scoring and choosing among candidates for one ticket.",
            unit="s",
        ),
        Panel(
            "Timer fire lateness by kind (p50, p99)",
            (
                Query(
                    quantile(0.5, "ticketflow_sla_timer_lateness_seconds", by="kind"),
                    "{{kind}} p50",
                ),
                Query(
                    quantile(0.99, "ticketflow_sla_timer_lateness_seconds", by="kind"),
                    "{{kind}} p99",
                ),
            ),
            "Fire time minus due time of SLA warnings, breaches and escalations (target: a "
            "breach within 1 s of its deadline).",
            unit="s",
            thresholds=(Threshold("green"), Threshold("red", 1)),
        ),
        Panel(
            "Timers fired per second and timers pending",
            (
                Query(
                    "sum by (kind) "
                    "(rate(ticketflow_sla_timer_lateness_seconds_count[$__rate_interval]))",
                    "fired {{kind}}",
                ),
                Query("max(ticketflow_sla_active_timers)", "pending"),
            ),
            "Timers fired by all SLA replicas, and those stored and not yet due.",
        ),
    ),
)

DELIVERIES = Row(
    "Deliveries (notify)",
    (
        Panel(
            "Delivery attempts per second by channel and outcome",
            (
                Query(
                    "sum by (channel, outcome) "
                    "(rate(ticketflow_notify_delivery_attempts_total[$__rate_interval]))",
                    "{{channel}} {{outcome}}",
                ),
            ),
            "delivered, retry_scheduled, failed (retries exhausted: dead-lettered) or refused.",
            unit="ops",
        ),
        Panel(
            "Event to delivery latency (p50, p99)",
            (
                Query(
                    quantile(0.5, "ticketflow_notify_event_to_delivery_seconds", by="channel"),
                    "{{channel}} p50",
                ),
                Query(
                    quantile(0.99, "ticketflow_notify_event_to_delivery_seconds", by="channel"),
                    "{{channel}} p99",
                ),
            ),
            "From an event's time to its successful delivery, retries included.",
            unit="s",
        ),
        Panel(
            "Deliveries created per second by channel",
            (
                Query(
                    "sum by (channel, how) "
                    "(rate(ticketflow_notify_deliveries_created_total[$__rate_interval]))",
                    "{{channel}} {{how}}",
                ),
            ),
            "direct, digested, held for quiet hours, or duplicate (already delivered).",
            unit="ops",
        ),
        Panel(
            "Retry backlog, disabled endpoints and circuits opened",
            (
                Query("max by (channel) (ticketflow_notify_retry_backlog)", "retrying {{channel}}"),
                Query("max(ticketflow_notify_disabled_endpoints)", "disabled endpoints"),
                Query(
                    "sum(increase(ticketflow_notify_circuit_opened_total[1h]))",
                    "circuits opened (1 h)",
                ),
            ),
            "Deliveries waiting for their next attempt, endpoints switched off, circuit breakers.",
        ),
    ),
)

PROCESSES = Row(
    "Processes",
    (
        Panel(
            "CPU by service",
            (
                Query(
                    f"sum by (job) (rate(process_cpu_seconds_total{JOBS}[$__rate_interval]))",
                    "{{job}}",
                ),
            ),
            "CPU seconds per second (cores) of all the service's processes.",
            unit="percentunit",
        ),
        Panel(
            "Resident memory by service",
            (Query(f"sum by (job) (process_resident_memory_bytes{JOBS})", "{{job}}"),),
            "Resident set size of all the service's processes.",
            unit="bytes",
        ),
    ),
)

SERVICES = Dashboard(
    uid="ticketflow-services",
    title="Ticketflow services",
    description="Per service: requests, errors and latency, consumers and lag, outbox, DLQ, "
    "routing, SLA timers, deliveries, CPU and memory.",
    rows=(HTTP, CONSUMERS, ROUTING_AND_TIMERS, DELIVERIES, PROCESSES),
    time_from="now-1h",
)
