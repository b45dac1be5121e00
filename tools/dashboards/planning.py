"""The Planning dashboard: what insights sees coming, demand against its forecast, agents needed
against agents scheduled, tickets at risk, and each team's week-to-date scorecard.

Insights' gauges are computed from its database, so every replica reports the same value: they
are deduplicated with `max` per team; its counters are summed.
"""

from tools.dashboards.layout import Dashboard, Panel, Query, Row, Threshold
from tools.dashboards.promql import per_hour

ARRIVALS = "ticketflow_insights_arrivals_total"
FORECAST = "ticketflow_insights_forecast_arrivals"
ACTUAL = "ticketflow_insights_actual_arrivals"
WAPE = "ticketflow_insights_forecast_wape_ratio"
REQUIRED = "ticketflow_insights_required_agents"
SCHEDULED = "ticketflow_insights_scheduled_agents"
GAPS = "ticketflow_insights_staffing_gaps"
AT_RISK = "ticketflow_insights_at_risk_tickets"
AT_RISK_EVENTS = "ticketflow_insights_at_risk_events_total"
SCORECARD = "ticketflow_insights_scorecard"
REPORTS = "ticketflow_insights_reports_published_total"

SHARE_STEPS = (Threshold("red"), Threshold("orange", 0.8), Threshold("green", 0.9))
REOPEN_STEPS = (Threshold("green"), Threshold("orange", 0.05), Threshold("red", 0.1))


def per_team(gauge: str, *, by: str = "team") -> str:
    return f"max by ({by}) ({gauge})"


def figure(name: str) -> str:
    """One figure of the week-to-date scorecards, per team."""
    return f'max by (team) ({SCORECARD}{{figure="{name}"}})'


DEMAND = Row(
    "Demand against the forecast",
    (
        Panel(
            "Forecast vs actual arrivals (current 30 minutes)",
            (
                Query(per_team(FORECAST), "forecast {{team}}"),
                Query(per_team(ACTUAL), "actual {{team}}"),
            ),
            "Arrivals the forecast expects in the current 30-minute interval, beside those that "
            "arrived so far in it, per team.",
        ),
        Panel(
            "Forecast WAPE: model vs seasonal naive",
            (Query(per_team(WAPE, by="team, model"), "{{team}} {{model}}"),),
            "Weighted absolute percentage error of the backtest, per team: the forecasting "
            "model beside the seasonal-naive baseline (same interval last week). Lower is "
            "better; the model should sit below its baseline.",
            unit="percentunit",
        ),
        Panel(
            "Arrivals per hour by team",
            (Query(per_hour(ARRIVALS, by="team"), "{{team}}"),),
            "Tickets insights counted as they were created, in the hour up to each point.",
            stacked=True,
        ),
        Panel(
            "Arrivals rate by channel",
            (Query(f"sum by (channel) (rate({ARRIVALS}[$__rate_interval]))", "{{channel}}"),),
            "Arrivals per second as insights ingests them, by channel.",
            unit="reqps",
            stacked=True,
        ),
    ),
)

STAFFING = Row(
    "Staffing",
    (
        Panel(
            "Required vs scheduled agents (current interval)",
            (
                Query(per_team(REQUIRED), "required {{team}}"),
                Query(per_team(SCHEDULED), "scheduled {{team}}"),
            ),
            "Agents the forecast needs to meet the team's service-level target (Erlang C) in "
            "the current interval, beside the agents whose shifts cover it.",
        ),
        Panel(
            "Staffing gaps in the next 48 hours",
            (Query(per_team(GAPS), "{{team}}"),),
            "Windows of the next 48 hours in which fewer agents are scheduled than required, "
            "per team; each one is also a staffing.gap_forecast event to the team lead.",
            kind="bargauge",
            thresholds=(Threshold("green"), Threshold("red", 1)),
        ),
    ),
)

RISK = Row(
    "Tickets at risk",
    (
        Panel(
            "Open tickets at risk by team",
            (Query(per_team(AT_RISK), "{{team}}"),),
            "Open tickets whose chance of missing an SLA target is above the threshold, before "
            "any warning fired.",
            stacked=True,
        ),
        Panel(
            "At-risk alerts per hour by team",
            (Query(per_hour(AT_RISK_EVENTS, by="team"), "{{team}}"),),
            "sla.at_risk events published in the hour up to each point.",
            stacked=True,
        ),
    ),
)

SCORECARDS = Row(
    "Scorecards (week to date)",
    (
        Panel(
            "Tickets handled by team",
            (Query(figure("handled"), "{{team}}"),),
            "Tickets each team resolved this week.",
            kind="bargauge",
        ),
        Panel(
            "SLA achievement by team",
            (Query(figure("sla_achievement"), "{{team}}"),),
            "Share of this week's SLA clocks met rather than breached.",
            kind="bargauge",
            unit="percentunit",
            max=1,
            thresholds=SHARE_STEPS,
        ),
        Panel(
            "First-contact resolution by team",
            (Query(figure("first_contact_resolution"), "{{team}}"),),
            "Share of this week's resolved tickets solved with a single agent reply.",
            kind="bargauge",
            unit="percentunit",
            max=1,
            thresholds=SHARE_STEPS,
        ),
        Panel(
            "CSAT share by team",
            (Query(figure("csat_share"), "{{team}}"),),
            "Share of this week's ratings that are 4 or 5.",
            kind="bargauge",
            unit="percentunit",
            max=1,
            thresholds=SHARE_STEPS,
        ),
        Panel(
            "Reopen rate by team",
            (Query(figure("reopen_rate"), "{{team}}"),),
            "Share of this week's resolved tickets that were reopened.",
            kind="bargauge",
            unit="percentunit",
            max=1,
            thresholds=REOPEN_STEPS,
        ),
        Panel(
            "First response and resolution p50/p90 by team",
            tuple(
                Query(
                    figure(f"{metric}_p{q}_seconds"),
                    f"{metric.replace('_', ' ')} p{q} {{{{team}}}}",
                )
                for metric in ("first_response", "resolution")
                for q in (50, 90)
            ),
            "Median and 90th percentile of this week's first response and resolution times.",
            kind="bargauge",
            unit="s",
        ),
        Panel(
            "Reports published",
            (Query(f"sum by (kind) (increase({REPORTS}[$__range]))", "{{kind}}"),),
            "Weekly, monthly and quarterly reports stored and announced in the selected range.",
            kind="stat",
            width=24,
        ),
    ),
)

PLANNING = Dashboard(
    uid="ticketflow-planning",
    title="Ticketflow planning",
    description="Insights: forecast against actual demand, staffing, tickets at risk and the "
    "teams' week-to-date scorecards.",
    rows=(DEMAND, STAFFING, RISK, SCORECARDS),
    time_from="now-24h",
    refresh="1m",
)
