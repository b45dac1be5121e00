"""Automation's Prometheus metrics (names: ticketflow_automation_*)."""

from ticketflow_common.metrics import Counter, Gauge, Histogram

RULES_ACTIVE = Gauge("ticketflow_automation_rules_active", "Enabled rules, by kind", ["kind"])
RULE_TIMERS_PENDING = Gauge(
    "ticketflow_automation_rule_timers_pending", "Time-based rule timers waiting to fall due"
)
FIRINGS = Counter(
    "ticketflow_automation_firings_total", "Rule firings, by trigger (event, timer)", ["trigger"]
)
SUPPRESSED = Counter(
    "ticketflow_automation_suppressed_total",
    "Firings stopped by a rule's firing limit or the chain depth, by reason",
    ["reason"],
)
MACROS_APPLIED = Counter("ticketflow_automation_macros_applied_total", "Macros applied by agents")
EVALUATION_SECONDS = Histogram(
    "ticketflow_automation_evaluation_seconds",
    "Time to evaluate the active rules against one event",
    buckets=(0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05),
)
TIMER_LATENESS_SECONDS = Histogram(
    "ticketflow_automation_timer_lateness_seconds",
    "How long after its due instant a rule timer fired",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5),
)
