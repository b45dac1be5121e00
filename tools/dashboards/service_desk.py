"""The Service desk dashboard: what team leads and service owners run the desk by.

Intake's business metrics carry no `service` label (one ticket, one count, whatever replica
served it); gauges computed from a database (backlog, queues, utilisation) are the same on every
replica, so they are deduplicated with `max` before being summed.
"""

from tools.dashboards.layout import Dashboard, Panel, Query, Row, Threshold
from tools.dashboards.promql import per_hour, quantile, share

CREATED = "ticketflow_tickets_created_total"
RESOLVED = "ticketflow_tickets_resolved_total"
BACKLOG = "max by (status, team, priority) (ticketflow_tickets_backlog)"
FIRST_RESPONSE = "ticketflow_first_response_seconds"
RESOLUTION = "ticketflow_resolution_seconds"
SLA_OUTCOMES = "ticketflow_sla_outcomes_total"
CSAT = "ticketflow_csat_ratings_total"
CSAT_TARGET = 0.9
UNOWNED_AGE_ALERT_SECONDS = 900

MET = f'{SLA_OUTCOMES}{{outcome="met"}}'
MET_OR_BREACHED = f'{SLA_OUTCOMES}{{outcome=~"met|breached"}}'
SATISFIED = f'{CSAT}{{rating=~"4|5"}}'
CSAT_STEPS = (Threshold("red"), Threshold("green", CSAT_TARGET))
SLA_STEPS = (Threshold("red"), Threshold("orange", 0.8), Threshold("green", 0.95))


def _percentiles(histogram: str) -> tuple[Query, ...]:
    return tuple(
        Query(quantile(q, histogram, window="1h"), f"p{round(q * 100)}") for q in (0.5, 0.9, 0.99)
    )


FLOW = Row(
    "Demand and backlog",
    (
        Panel(
            "Tickets created and resolved per hour",
            (Query(per_hour(CREATED), "created"), Query(per_hour(RESOLVED), "resolved")),
            "Tickets filed and tickets resolved in the hour up to each point.",
        ),
        Panel(
            "Tickets created per hour by channel",
            (Query(per_hour(CREATED, by="channel"), "{{channel}}"),),
            "Where demand comes from: web, app, email, chat, phone or the API.",
            stacked=True,
        ),
        Panel(
            "Tickets created per hour by priority",
            (Query(per_hour(CREATED, by="priority"), "{{priority}}"),),
            "Arrivals by priority (set by the client or derived from impact and urgency).",
            stacked=True,
        ),
        Panel(
            "Tickets resolved per hour by team",
            (Query(per_hour(RESOLVED, by="team"), "{{team}}"),),
            "Throughput of each team.",
            stacked=True,
        ),
        Panel(
            "Backlog by status",
            (Query(f"sum by (status) ({BACKLOG})", "{{status}}"),),
            "Tickets not yet resolved or closed, by status.",
            stacked=True,
        ),
        Panel(
            "Backlog by team",
            (Query(f"sum by (team) ({BACKLOG})", "{{team}}"),),
            "Tickets not yet resolved or closed, by the team that owns them.",
            stacked=True,
        ),
        Panel(
            "Backlog by priority",
            (Query(f"sum by (priority) ({BACKLOG})", "{{priority}}"),),
            "Tickets not yet resolved or closed, by priority.",
            stacked=True,
        ),
        Panel(
            "Open backlog",
            (Query(f"sum({BACKLOG})", "backlog"),),
            "Every ticket not yet resolved or closed.",
            kind="stat",
            width=6,
        ),
        Panel(
            "Created in the selected range",
            (Query(f"sum(increase({CREATED}[$__range]))", "created"),),
            "Tickets filed during the dashboard's time range.",
            kind="stat",
            width=6,
        ),
    ),
)

SPEED = Row(
    "Response and resolution times",
    (
        Panel(
            "First response time (last hour)",
            _percentiles(FIRST_RESPONSE),
            "Wall time from a ticket's creation to the first public agent reply, percentiles of "
            "the replies given in the hour up to each point.",
            unit="s",
        ),
        Panel(
            "First response time p90 by priority",
            (Query(quantile(0.9, FIRST_RESPONSE, by="priority", window="1h"), "{{priority}}"),),
            "90th percentile of first response times per priority, over the last hour.",
            unit="s",
        ),
        Panel(
            "Resolution time (last hour)",
            _percentiles(RESOLUTION),
            "Wall time from creation to resolution, percentiles of the tickets resolved in the "
            "hour up to each point.",
            unit="s",
        ),
        Panel(
            "Average handling time by priority",
            (
                Query(
                    f"sum by (priority) (increase({RESOLUTION}_sum[1h]))"
                    f" / sum by (priority) (increase({RESOLUTION}_count[1h]))",
                    "{{priority}}",
                ),
            ),
            "Mean time from creation to resolution of the tickets resolved in the last hour.",
            unit="s",
        ),
        Panel(
            "Time to owner (last hour)",
            (
                Query(
                    quantile(0.5, "ticketflow_routing_assignment_latency_seconds", window="1h"),
                    "p50",
                ),
                Query(
                    quantile(0.9, "ticketflow_routing_assignment_latency_seconds", window="1h"),
                    "p90",
                ),
            ),
            "From a ticket's creation until routing gave it an owner (queue wait included).",
            unit="s",
        ),
    ),
)

SLA = Row(
    "SLA",
    (
        Panel(
            "SLA achievement by policy",
            (
                Query(
                    share(MET, MET_OR_BREACHED, by="metric, policy"),
                    "{{policy}} {{metric}}",
                ),
            ),
            "Clocks met on time over clocks met or breached during the selected range.",
            kind="bargauge",
            unit="percentunit",
            max=1,
            thresholds=SLA_STEPS,
        ),
        Panel(
            "SLA achievement by team",
            (Query(share(MET, MET_OR_BREACHED, by="metric, team"), "{{team}} {{metric}}"),),
            "Clocks met on time over clocks met or breached during the selected range, by the "
            "ticket's team.",
            kind="bargauge",
            unit="percentunit",
            max=1,
            thresholds=SLA_STEPS,
        ),
        Panel(
            "SLA achievement, last 7 days",
            (Query("max by (metric) (ticketflow_sla_achievement_ratio)", "{{metric}}"),),
            "Clocks started in the last 7 days and met on time, over those met or breached "
            "(computed by the SLA service from its database).",
            kind="stat",
            unit="percentunit",
            max=1,
            thresholds=SLA_STEPS,
        ),
        Panel(
            "Breaches per hour by policy",
            (
                Query(
                    per_hour("ticketflow_sla_breaches_total", by="metric, policy"),
                    "{{policy}} {{metric}}",
                ),
            ),
            "SLA targets missed, by policy and target (first response, resolution, ...).",
            stacked=True,
        ),
        Panel(
            "Breaches per hour by team",
            (Query(per_hour("ticketflow_sla_breaches_total", by="team"), "{{team}}"),),
            "SLA targets missed, by the ticket's team.",
            stacked=True,
        ),
        Panel(
            "Warnings and escalations per hour",
            (
                Query(
                    per_hour("ticketflow_sla_warnings_total", by="threshold"),
                    "warning {{threshold}}",
                ),
                Query(
                    per_hour("ticketflow_sla_escalations_total", by="level"),
                    "escalation L{{level}}",
                ),
            ),
            "Warnings before a deadline and escalation levels fired after a breach.",
        ),
    ),
)

OWNERSHIP = Row(
    "Ownership, queues and agents",
    (
        Panel(
            "Unowned tickets",
            (Query("max(ticketflow_routing_unowned_tickets)", "unowned"),),
            "Open tickets without an accountable owner: queued or not yet routed.",
            kind="stat",
            width=6,
            thresholds=(Threshold("green"), Threshold("orange", 1)),
        ),
        Panel(
            "Oldest unowned ticket",
            (Query("max(ticketflow_routing_unowned_oldest_age_seconds)", "age"),),
            "Age of the oldest open ticket nobody owns; the alert fires after "
            f"{UNOWNED_AGE_ALERT_SECONDS // 60} minutes.",
            kind="stat",
            unit="s",
            width=6,
            thresholds=(Threshold("green"), Threshold("red", UNOWNED_AGE_ALERT_SECONDS)),
        ),
        Panel(
            "Unowned tickets and their oldest age",
            (
                Query("max(ticketflow_routing_unowned_tickets)", "unowned tickets"),
                Query("max(ticketflow_routing_unowned_oldest_age_seconds) / 60", "oldest (min)"),
            ),
            "How many tickets wait for an owner, and for how many minutes the oldest has.",
        ),
        Panel(
            "Queue depth by team",
            (Query("max by (team) (ticketflow_routing_queue_depth)", "{{team}}"),),
            "Tickets waiting for an eligible agent of each team.",
            stacked=True,
        ),
        Panel(
            "Agent utilisation by team",
            (Query("max by (team) (ticketflow_routing_agent_utilisation_ratio)", "{{team}}"),),
            "Open assignments over the capacity of the team's online agents on shift.",
            unit="percentunit",
            thresholds=(Threshold("green"), Threshold("red", 0.9)),
        ),
        Panel(
            "Agents online by team",
            (Query("max by (team) (ticketflow_routing_agents_online)", "{{team}}"),),
            "Agents online and on shift.",
            stacked=True,
        ),
    ),
)

SATISFACTION = Row(
    "Satisfaction and first-contact resolution",
    (
        Panel(
            "CSAT (ratings of 4-5), target 90%",
            (Query(share(SATISFIED, CSAT), "CSAT"),),
            "Share of ratings of 4 or 5 during the selected range; green from 90%.",
            kind="stat",
            unit="percentunit",
            max=1,
            width=6,
            thresholds=CSAT_STEPS,
        ),
        Panel(
            "First-contact resolution rate",
            (Query(share("ticketflow_first_contact_resolutions_total", RESOLVED), "FCR"),),
            "Resolved tickets that needed at most one public agent reply and were never "
            "reopened, over all resolved tickets, during the selected range.",
            kind="stat",
            unit="percentunit",
            max=1,
            width=6,
        ),
        Panel(
            "CSAT trend (24 h rolling) against the 90% target",
            (Query(share(SATISFIED, CSAT, window="24h"), "CSAT"),),
            "Share of ratings of 4 or 5 in the 24 hours up to each point; the line is the target.",
            unit="percentunit",
            max=1,
            thresholds=CSAT_STEPS,
        ),
        Panel(
            "CSAT by team",
            (Query(share(SATISFIED, CSAT, by="team"), "{{team}}"),),
            "Share of ratings of 4 or 5 per team during the selected range.",
            kind="bargauge",
            unit="percentunit",
            max=1,
            thresholds=CSAT_STEPS,
        ),
        Panel(
            "Ratings received",
            (Query(f"sum by (rating) (increase({CSAT}[$__range]))", "{{rating}}"),),
            "How many ratings of each score (1-5) requesters gave during the selected range.",
            kind="bargauge",
        ),
        Panel(
            "First-contact resolution rate by team (24 h rolling)",
            (
                Query(
                    share(
                        "ticketflow_first_contact_resolutions_total",
                        RESOLVED,
                        by="team",
                        window="24h",
                    ),
                    "{{team}}",
                ),
            ),
            "Per team, resolved tickets with at most one public agent reply and no reopening.",
            unit="percentunit",
            max=1,
        ),
    ),
)

SERVICE_DESK = Dashboard(
    uid="ticketflow-service-desk",
    title="Ticketflow service desk",
    description="Demand, backlog, response and resolution times, SLA, ownership, agents, CSAT "
    "and first-contact resolution.",
    rows=(FLOW, SPEED, SLA, OWNERSHIP, SATISFACTION),
)
