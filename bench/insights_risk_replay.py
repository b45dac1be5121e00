"""Breach-risk precision and recall, measured by replaying the demo history (not a test).

Generates the seeded synthetic desk history the demo seeds (`domain/synthetic_history.py`),
turns its events into per-ticket facts and per-agent status timelines, then walks time forward
by `--step`, assessing every running clock with the breach-risk model on only what was known
at that instant (history refitted hourly; the agents' status then and their weekly shifts).
A flag counts when the probability reaches the threshold before the clock's warning; it is
scored against whether the clock really breached. The first `--warmup-days` only teach the
model (no clock due in them is scored).

The demo desk answers in arrival order and frees an agent at their first answer, so in the
replay the queue is served by age and "handling" (slot holding) is assignment to first answer
with one slot per agent; in production the facts' handling time and the agents' capacity
play those parts (routing holds a slot until the ticket leaves the agent's load).

    uv run python bench/insights_risk_replay.py [--weeks 4] [--seed 7] [--thresholds 0.3 0.5 0.7]
"""

import argparse
import bisect
import time
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from ticketflow_common.events.routing import AgentChanged, AgentStatusChanged, TicketAssigned
from ticketflow_common.events.sla import SlaStarted
from ticketflow_common.events.tickets import TicketCommented, TicketCreated, TicketStatusChanged
from ticketflow_insights.domain.breach_risk import duration
from ticketflow_insights.domain.breach_risk_replay import (
    METRICS,
    ClockOutcome,
    ReplayScore,
    ReplayTicket,
    replay,
    score,
)
from ticketflow_insights.domain.breach_risk_team import AgentOnRecord
from ticketflow_insights.domain.synthetic_desk import WARNING_SHARE
from ticketflow_insights.domain.synthetic_history import HistoryEvent, synthetic_history

START = datetime(2025, 5, 5, tzinfo=UTC)  # a Monday


class AgentTimeline:
    """The agents of the history and their statuses over time, as the facts would hold them."""

    def __init__(self, events: Sequence[HistoryEvent]) -> None:
        self.records: dict[Any, AgentOnRecord] = {}
        self.changes: dict[Any, tuple[list[datetime], list[str]]] = defaultdict(lambda: ([], []))
        for event in events:
            data = event.data
            if isinstance(data, AgentChanged):
                self.records[data.agent_id] = AgentOnRecord(
                    teams=tuple(data.teams),
                    status="offline",
                    capacity=1,
                    time_zone=data.time_zone,
                    shifts=tuple(s.model_dump(mode="json") for s in data.shifts or ()),
                )
            elif isinstance(data, AgentStatusChanged):
                times, statuses = self.changes[data.agent_id]
                times.append(event.occurred_at)
                statuses.append(data.status)

    def at(self, now: datetime) -> list[AgentOnRecord]:
        found = []
        for agent_id, record in self.records.items():
            times, statuses = self.changes[agent_id]
            i = bisect.bisect_right(times, now)
            status = statuses[i - 1] if i else "offline"
            found.append(
                AgentOnRecord(
                    record.teams, status, record.capacity, record.time_zone, record.shifts
                )
            )
        return found


def replay_tickets(events: Sequence[HistoryEvent]) -> list[ReplayTicket]:
    """First cycle of each ticket: created, first owner, first answer, first resolution."""
    facts: dict[Any, dict[str, Any]] = {}
    for event in events:
        data, at = event.data, event.occurred_at
        if isinstance(data, TicketCreated):
            facts[data.ticket_id] = {"team": data.team, "priority": data.priority, "created": at}
            continue
        ticket_id = getattr(data, "ticket_id", None)
        if ticket_id not in facts:
            continue
        fact = facts[ticket_id]
        if isinstance(data, TicketAssigned):
            fact.setdefault("assigned", at)
        elif isinstance(data, TicketCommented) and data.first_response:
            fact.setdefault("answered", at)
        elif isinstance(data, TicketStatusChanged) and data.status == "resolved":
            fact.setdefault("resolved", at)
        elif isinstance(data, SlaStarted) and data.cycle == 1:
            fact[data.metric] = data.target_seconds
    tickets = []
    for ticket_id, f in facts.items():
        assigned, answered = f.get("assigned"), f.get("answered")
        busy = (answered - assigned).total_seconds() if assigned and answered else None
        tickets.append(
            ReplayTicket(
                ticket_id=str(ticket_id),
                team=f["team"],
                priority=f["priority"],
                created_at=f["created"],
                assigned_at=assigned,
                first_response_at=answered,
                resolved_at=f.get("resolved"),
                handling_seconds=busy,
                first_response_seconds=f["first_response"],
                resolution_seconds=f["resolution"],
            )
        )
    return tickets


def earlier_warning(
    tickets: Sequence[ReplayTicket],
    *,
    share: float,
    warn_share: float,
    since: datetime,
    end: datetime,
) -> list[ClockOutcome]:
    """The baseline: a plain earlier warning, flagging every clock still running at `share` of
    its target (what lowering the SLA warning threshold would do)."""
    outcomes = []
    for t in tickets:
        for metric in METRICS:
            target = t.target(metric)
            due = t.created_at + timedelta(seconds=target)
            if not since <= due <= end:
                continue
            done = t.ends(metric)
            flag = t.created_at + timedelta(seconds=target * share)
            warned = t.created_at + timedelta(seconds=target * warn_share)
            outcomes.append(
                ClockOutcome(
                    key=f"{t.ticket_id}/{metric}",
                    metric=metric,
                    due_at=due,
                    warned_at=warned if done is None or done > warned else None,
                    flagged_at=flag if done is None or done > flag else None,
                    breached=done is None or done > due,
                )
            )
    return outcomes


def line(label: str, result: ReplayScore) -> str:
    def ratio(value: float | None) -> str:
        return "-" if value is None else f"{value:.2f}"

    def lead(value: float | None) -> str:
        return "-" if value is None else duration(value)

    return (
        f"{label:<32} precision {ratio(result.precision)}  recall {ratio(result.recall)}"
        f"  (flagged breaches {result.flagged_breaches}, false alarms {result.false_alarms},"
        f" missed {result.missed_breaches}, quiet met {result.quiet_met})"
        f"  lead before due {lead(result.lead_seconds_median)},"
        f" before warning {lead(result.ahead_of_warning_seconds_median)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=4)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--volume", type=float, default=1.0)
    parser.add_argument("--warmup-days", type=float, default=7)
    parser.add_argument("--step-minutes", type=float, default=5)
    parser.add_argument("--thresholds", type=float, nargs="+", default=[0.5])
    args = parser.parse_args()
    began = time.perf_counter()
    events = synthetic_history(start=START, weeks=args.weeks, seed=args.seed, volume=args.volume)
    tickets = replay_tickets(events)
    agents = AgentTimeline(events)
    end = START + timedelta(weeks=args.weeks)
    print(
        f"history: {args.weeks} weeks, seed {args.seed}, {len(events)} events,"
        f" {len(tickets)} tickets, {len(agents.records)} agents; warning at"
        f" {round(WARNING_SHARE * 100)}% of the target; step {args.step_minutes} min"
    )
    for threshold in args.thresholds:
        outcomes = replay(
            tickets,
            agents_at=agents.at,
            start=START,
            end=end,
            step=timedelta(minutes=args.step_minutes),
            threshold=threshold,
            warn_share=WARNING_SHARE,
            by_priority=False,
        )
        scored = [o for o in outcomes if o.due_at >= START + timedelta(days=args.warmup_days)]
        print(line(f"threshold {threshold}: all clocks", score(scored)))
        for metric in ("first_response", "resolution"):
            print(line(f"  {metric}", score(o for o in scored if o.metric == metric)))
    since = START + timedelta(days=args.warmup_days)
    for share in (0.25, 0.5):
        baseline = earlier_warning(
            tickets, share=share, warn_share=WARNING_SHARE, since=since, end=end
        )
        print(line(f"baseline: warn at {round(share * 100)}%", score(baseline)))
        for metric in ("first_response", "resolution"):
            print(line(f"  {metric}", score(o for o in baseline if o.metric == metric)))
    print(f"replayed in {time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    main()
