"""SLA's business metrics: warnings, breaches, escalations, outcomes, timers and their lateness."""

from ticketflow_common.metrics import Counter, Gauge, Histogram
from ticketflow_sla.domain.tickets import TicketProjection

SLA_STARTED = Counter(
    "ticketflow_sla_clocks_started_total", "SLA clocks started.", ["metric", "policy"]
)
SLA_WARNINGS = Counter(
    "ticketflow_sla_warnings_total", "SLA warnings fired.", ["metric", "policy", "threshold"]
)
SLA_BREACHES = Counter(
    "ticketflow_sla_breaches_total",
    "SLA breaches fired, by the ticket's team ('' when it has none).",
    ["metric", "policy", "team"],
)
SLA_ESCALATIONS = Counter(
    "ticketflow_sla_escalations_total", "SLA escalations fired.", ["metric", "policy", "level"]
)
SLA_OUTCOMES = Counter(
    "ticketflow_sla_outcomes_total",
    "Clocks that ended: met on time, met late (breached) or cancelled; achievement ratio is"
    ' met / (met + breached) over outcome="met" and outcome="breached"; team is the ticket\'s.',
    ["metric", "policy", "team", "outcome"],
)
SLA_ACHIEVEMENT_RATIO = Gauge(
    "ticketflow_sla_achievement_ratio",
    "Clocks started in the last 7 days and met on time, over those met or breached.",
    ["metric"],
)
SLA_ACTIVE_TIMERS = Gauge(
    "ticketflow_sla_active_timers", "Timers stored and not yet fired (all replicas)."
)
SLA_TIMER_LATENESS = Histogram(
    "ticketflow_sla_timer_lateness_seconds",
    "Fire time minus due time of each timer fired by this replica.",
    ["kind"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600),
)
SLA_BUSINESS_SECONDS = Histogram(
    "ticketflow_sla_business_seconds",
    "Business time used by clocks when met (first response and resolution time).",
    ["metric", "policy"],
    buckets=(60, 300, 600, 1800, 3600, 4 * 3600, 8 * 3600, 16 * 3600, 40 * 3600, 80 * 3600),
)


def team_label(ticket: TicketProjection | None) -> str:
    """The team a breach or an outcome counts for: the ticket's, else its assignee's, else ''."""
    return (ticket.effective_team if ticket is not None else None) or ""
