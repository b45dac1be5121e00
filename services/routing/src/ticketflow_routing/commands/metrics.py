"""Routing's business metrics: assignment latency, queues, unowned tickets, utilisation."""

from ticketflow_common.metrics import Counter, Gauge, Histogram

ASSIGNMENT_LATENCY = Histogram(
    "ticketflow_routing_assignment_latency_seconds",
    "From the ticket's creation to its owner being chosen (queue wait included).",
    ["reason"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300, 900, 3600, 14400),
)
DECISION_SECONDS = Histogram(
    "ticketflow_routing_decision_seconds",
    "Time to find, score and choose among candidates for one ticket.",
    ["outcome"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1),
)
DECISIONS = Counter(
    "ticketflow_routing_decisions_total",
    "Routing decisions by kind (assigned, queued, unassigned) and reason.",
    ["kind", "reason"],
)
QUEUE_DEPTH = Gauge(
    "ticketflow_routing_queue_depth",
    "Tickets waiting for an eligible agent, per team ('' for tickets without a team).",
    ["team"],
)
UNOWNED_TICKETS = Gauge(
    "ticketflow_routing_unowned_tickets",
    "Open tickets with no owner (queued or not yet routed).",
)
UNOWNED_OLDEST_SECONDS = Gauge(
    "ticketflow_routing_unowned_oldest_age_seconds",
    "Age of the oldest open ticket with no owner; 0 when every open ticket has one.",
)
AGENT_UTILISATION = Gauge(
    "ticketflow_routing_agent_utilisation_ratio",
    "Open assignments over capacity of online agents, per team.",
    ["team"],
)
AGENTS_ONLINE = Gauge(
    "ticketflow_routing_agents_online",
    "Agents online and on shift, per team.",
    ["team"],
)
AUTOMATION_ACTIONS = Counter(
    "ticketflow_routing_automation_actions_total",
    "Assign and unassign actions of rules and macros: applied, unchanged (already as asked) or"
    " refused (agent unknown, at capacity, not in the team; ticket unknown or not open).",
    ["action", "outcome"],
)
