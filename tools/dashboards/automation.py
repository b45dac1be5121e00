"""The Automation dashboard: how often rules fire and are stopped (a loop shows as
suppressions), how fast the active rules are evaluated per event, how late rule timers fire,
and what is active and waiting.

The rule and timer counts are gauges computed from automation's database, the same on every
replica, so they are deduplicated with `max`; the counters and histograms are summed.
"""

from tools.dashboards.layout import Dashboard, Panel, Query, Row, Threshold
from tools.dashboards.promql import quantile

RULES_ACTIVE = "ticketflow_automation_rules_active"
TIMERS_PENDING = "ticketflow_automation_rule_timers_pending"
FIRINGS = "ticketflow_automation_firings_total"
SUPPRESSED = "ticketflow_automation_suppressed_total"
MACROS_APPLIED = "ticketflow_automation_macros_applied_total"
EVALUATION_SECONDS = "ticketflow_automation_evaluation_seconds"
TIMER_LATENESS_SECONDS = "ticketflow_automation_timer_lateness_seconds"

# Issue 18, item 6: with 1,000 active rules, evaluation p99 at most 2 ms per event.
EVALUATION_STEPS = (Threshold("green"), Threshold("red", 0.002))
# Rule timers fire at the instant they fall due; a second late is worth a look.
LATENESS_STEPS = (Threshold("green"), Threshold("orange", 1), Threshold("red", 5))


def per_minute(counter: str, *, by: str = "") -> str:
    group = f"sum by ({by}) " if by else "sum"
    return f"{group}(rate({counter}[$__rate_interval])) * 60"


FIRING = Row(
    "Firings",
    (
        Panel(
            "Firings per minute by trigger",
            (Query(per_minute(FIRINGS, by="trigger"), "{{trigger}}"),),
            "Rules that fired, on an event (trigger event) or when their time came (trigger "
            "timer); each firing is a rule.fired the owning services carry out once.",
            stacked=True,
        ),
        Panel(
            "Suppressions per minute by reason",
            (Query(per_minute(SUPPRESSED, by="reason"), "{{reason}}"),),
            "Firings stopped by a rule's firing limit per ticket (firing_limit) or by the chain "
            "depth (chain_depth): a steady stream is a loop between rules; the ticket's timeline "
            "names the rule.",
            stacked=True,
        ),
        Panel(
            "Suppressions in range",
            (Query(f"sum by (reason) (increase({SUPPRESSED}[$__range]))", "{{reason}}"),),
            "Firings suppressed in the selected range, by reason.",
            kind="stat",
            thresholds=(Threshold("green"), Threshold("orange", 1), Threshold("red", 20)),
        ),
        Panel(
            "Macros applied in range",
            (Query(f"sum(increase({MACROS_APPLIED}[$__range]))", "applied"),),
            "Macros agents applied to tickets in the selected range (one macro.applied each).",
            kind="stat",
        ),
    ),
)

SPEED = Row(
    "Evaluation and timers",
    (
        Panel(
            "Evaluation time per event p50/p99",
            (
                Query(quantile(0.5, EVALUATION_SECONDS), "p50"),
                Query(quantile(0.99, EVALUATION_SECONDS), "p99"),
            ),
            "Time to evaluate every active rule against one ticket event (conditions only, "
            "not the firing's writes); the target is a p99 of at most 2 ms with 1,000 rules.",
            unit="s",
            thresholds=EVALUATION_STEPS,
        ),
        Panel(
            "Rule timer lateness p50/p99",
            (
                Query(quantile(0.5, TIMER_LATENESS_SECONDS), "p50"),
                Query(quantile(0.99, TIMER_LATENESS_SECONDS), "p99"),
            ),
            "How long after its due instant a time-based rule's timer fired (claimed, re-checked "
            "and fired by any replica).",
            unit="s",
            thresholds=LATENESS_STEPS,
        ),
    ),
)

STATE = Row(
    "Rules and timers",
    (
        Panel(
            "Active rules by kind",
            (Query(f"max by (kind) ({RULES_ACTIVE})", "{{kind}}"),),
            "Enabled rules, triggered by events (event) or by time (time).",
            kind="bargauge",
        ),
        Panel(
            "Rule timers pending",
            (Query(f"max({TIMERS_PENDING})", "pending"),),
            "Time-based rule timers planned for tickets and waiting to fall due.",
        ),
    ),
)

AUTOMATION = Dashboard(
    uid="ticketflow-automation",
    title="Ticketflow automation",
    description="Automation: rule firings and suppressions, macros applied, evaluation time per "
    "event, rule timer lateness, active rules and pending timers.",
    rows=(FIRING, SPEED, STATE),
    time_from="now-24h",
    refresh="1m",
)
