"""Assess every running SLA clock's chance of breaching; announce the ones that cross the
threshold before any warning fired (`sla.at_risk`, once per clock cycle)."""

from datetime import datetime
from typing import Any, get_args
from uuid import UUID

import asyncpg
from pydantic import BaseModel, Field

from ticketflow_common.commit_hooks import after_commit
from ticketflow_common.events.common import Priority
from ticketflow_common.events.insights import SlaAtRisk
from ticketflow_common.outbox import emit
from ticketflow_common.pagination import Page, encode_cursor, page_of, read_cursor
from ticketflow_common.problems import ProblemError, not_found
from ticketflow_common.time_slices import in_time_slices
from ticketflow_insights.commands.metrics import INSIGHTS_AT_RISK_EVENTS, INSIGHTS_AT_RISK_TICKETS
from ticketflow_insights.domain.access import Viewer
from ticketflow_insights.domain.breach_risk import BreachRisk, ClockSituation, assess
from ticketflow_insights.domain.breach_risk_team import TeamHistory, team_situation
from ticketflow_insights.store import breach_risk as store

PRIORITIES: frozenset[str] = frozenset(get_args(Priority))
METRICS = frozenset({"first_response", "next_response", "resolution"})


async def assess_open_tickets(*, conn: asyncpg.Connection, now: datetime, threshold: float) -> int:
    """Store the latest assessment of each running clock; emit for each first crossing of
    `threshold` while no warning fired. Returns the events emitted. Re-runs emit nothing new;
    one replica at a time does the work."""
    async with conn.transaction():
        if not await store.take_run_lock(conn=conn):
            return 0
        clocks = [c for c in await store.running_clocks(conn=conn) if c["metric"] in METRICS]
        agents = await store.agents_on_record(conn=conn)
        histories = await store.team_histories(conn=conn, now=now)
        teams = {
            team: team_situation(team, agents, histories.get(team or "", TeamHistory()), now=now)
            for team in {c["team"] for c in clocks}
        }
        risks = [
            (c, assess(_situation(c), teams[c["team"]], now=now))
            async for c in in_time_slices(clocks)
        ]
        await store.forget_finished(conn=conn)
        await store.save_assessments(
            conn=conn,
            rows=[
                (
                    c["clock_id"],
                    c["cycle"],
                    c["ticket_id"],
                    c["metric"],
                    c["team"],
                    risk.probability,
                    list(risk.reasons),
                    c["due_at"],
                    now,
                )
                for c, risk in risks
            ],
        )
        crossing = [
            (c, r) for c, r in risks if r.probability >= threshold and c["warned_at"] is None
        ]
        emitted = 0
        people = await store.contacts(conn=conn) if crossing else None
        for clock, risk in crossing:
            if not await store.mark_crossed(
                conn=conn, clock_id=clock["clock_id"], cycle=clock["cycle"], now=now
            ):
                continue
            assert people is not None
            await emit(
                conn,
                _event(clock, risk, people, threshold=threshold, now=now),
                subject=str(clock["ticket_id"]),
                now=now,
            )
            after_commit(conn, INSIGHTS_AT_RISK_EVENTS.labels(clock["team"] or "").inc)
            emitted += 1
        counts = await store.at_risk_counts(conn=conn, threshold=threshold)
        after_commit(conn, lambda: _set_gauges(counts))
    return emitted


class AtRiskClock(BaseModel):
    """The latest assessment of one running SLA clock."""

    ticket_id: UUID
    clock_id: UUID
    metric: str
    cycle: int
    team: str | None
    priority: str | None
    assignee_id: UUID | None
    probability: float
    reasons: list[str]
    due_at: datetime = Field(description="The clock's due instant when it was assessed.")
    warned_at: datetime | None
    crossed_at: datetime | None
    assessed_at: datetime


AT_RISK_KIND = "insights.at_risk"


async def list_at_risk(
    *,
    conn: asyncpg.Connection,
    viewer: Viewer,
    team: str | None,
    min_probability: float,
    cursor: str | None,
    limit: int,
) -> Page[AtRiskClock]:
    """The viewer's share of the latest assessments, likeliest first, then soonest due, then by
    clock: admins all, leads their teams' tickets (and their own), agents the tickets they own.
    404 for an unknown team, 403 for a lead asking for a team they do not lead."""
    after = read_cursor(cursor, kind=AT_RISK_KIND, parse=_risk_position)
    if team is not None:
        if not await store.team_known(conn=conn, team=team):
            raise not_found(f"no team {team!r}")
        if viewer.role == "lead" and not viewer.may_see_team(team):
            raise ProblemError(403, f"you do not lead the team {team!r}")
    # An admin, or a lead asking for a team they lead, sees all of it: no share to filter.
    sees_all = viewer.role == "admin" or (team is not None and viewer.may_see_team(team))
    rows = await store.at_risk(
        conn=conn,
        min_probability=min_probability,
        team=team,
        teams=None if sees_all else sorted(viewer.led_teams) if viewer.role == "lead" else [],
        owner=None if sees_all else viewer.agent_id,
        limit=limit + 1,
        after=after,
    )
    return page_of(
        [AtRiskClock.model_validate(dict(r)) for r in rows],
        limit=limit,
        cursor=lambda c: encode_cursor(
            AT_RISK_KIND,
            {"probability": c.probability, "due_at": c.due_at.isoformat(), "id": str(c.clock_id)},
        ),
    )


def _risk_position(position: dict[str, Any]) -> store.RiskPosition:
    probability = position["probability"]
    if isinstance(probability, bool) or not isinstance(probability, int | float):
        raise ValueError("a probability is a number")
    due_at = datetime.fromisoformat(str(position["due_at"]))
    return (float(probability), due_at, UUID(str(position["id"])))


def _situation(clock: asyncpg.Record) -> ClockSituation:
    return ClockSituation(
        metric=clock["metric"],
        started_at=clock["started_at"],
        due_at=clock["due_at"],
        owned_since=clock["owned_since"],
        ahead=clock["ahead"],
        target_seconds=clock["target_seconds"],
        answered_at=clock["answered_at"],
    )


def _event(
    clock: asyncpg.Record,
    risk: BreachRisk,
    people: store.Contacts,
    *,
    threshold: float,
    now: datetime,
) -> SlaAtRisk:
    assignee: UUID | None = clock["assignee_id"]
    team: str | None = clock["team"]
    priority = clock["priority"] if clock["priority"] in PRIORITIES else None
    return SlaAtRisk(
        ticket_id=clock["ticket_id"],
        metric=clock["metric"],
        cycle=clock["cycle"],
        team=team,
        priority=priority,
        assignee_id=assignee,
        assignee_email=people.agent_emails.get(assignee) if assignee else None,
        team_lead_email=people.lead_emails.get(team) if team else None,
        probability=risk.probability,
        threshold=threshold,
        due_at=clock["due_at"],
        reasons=list(risk.reasons),
        assessed_at=now,
    )


def _set_gauges(counts: dict[str, int]) -> None:
    INSIGHTS_AT_RISK_TICKETS.clear()
    for team, count in counts.items():
        INSIGHTS_AT_RISK_TICKETS.labels(team).set(count)
