"""Reports on a schedule: each kind's last full period, once per team and the organisation,
stored and announced (`report.published`) in one transaction; and reading them back."""

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, get_args
from uuid import UUID

import asyncpg

from ticketflow_common.commit_hooks import after_commit
from ticketflow_common.events.insights import ReportKind, ReportPublished
from ticketflow_common.outbox import emit
from ticketflow_common.pagination import Page, encode_cursor, page_of, read_cursor
from ticketflow_common.problems import ProblemError, invalid_field, not_found
from ticketflow_insights.commands.metrics import INSIGHTS_REPORTS_PUBLISHED
from ticketflow_insights.commands.scorecards import team_scorecard
from ticketflow_insights.domain.access import Viewer
from ticketflow_insights.domain.periods import Period, period_containing
from ticketflow_insights.domain.report_scopes import organisation_scorecard
from ticketflow_insights.domain.reports import (
    KIND_PERIOD,
    ORGANISATION_NAME,
    ReportDocument,
    ReportSummary,
    build_report,
    report_links,
    trend_weeks,
)
from ticketflow_insights.domain.scorecards import Scorecard
from ticketflow_insights.domain.targets import TeamTargets
from ticketflow_insights.store.reports import (
    ReportTeam,
    insert_report,
    replace_report,
    report_body,
    report_id_of,
    report_list,
    report_teams,
    reported_scopes,
    team_named,
)
from ticketflow_insights.store.targets import targets_for

REPORT_KINDS: tuple[ReportKind, ...] = get_args(ReportKind)


class Scorecards:
    """The team scorecards one round of reports reads, each computed once (the organisation's
    report reads every team's again)."""

    def __init__(self, *, conn: asyncpg.Connection, teams: Sequence[ReportTeam], now: datetime):
        self.conn, self.teams, self.now = conn, teams, now
        self._cards: dict[tuple[str, datetime, datetime], Scorecard] = {}

    async def team(self, team: str, period: Period) -> Scorecard:
        key = (team, period.start, period.end)
        if key not in self._cards:
            self._cards[key] = await team_scorecard(
                conn=self.conn, team=team, period=period, now=self.now
            )
        return self._cards[key]

    async def organisation(self, period: Period, targets: TeamTargets) -> Scorecard:
        cards = [await self.team(t.team, period) for t in self.teams]
        as_of = period.elapsed_until(self.now)
        return organisation_scorecard(cards=cards, period=period, as_of=as_of, targets=targets)

    async def of(self, team: str | None, period: Period, targets: TeamTargets) -> Scorecard:
        if team is None:
            return await self.organisation(period, targets)
        return await self.team(team, period)


async def compose_report(
    *,
    conn: asyncpg.Connection,
    scorecards: Scorecards,
    kind: ReportKind,
    team: ReportTeam | None,
    period: Period,
    report_id: UUID,
    now: datetime,
) -> ReportDocument:
    """One team's (None: the organisation's) report of `period`, from the scorecards."""
    key = None if team is None else team.team
    targets = TeamTargets() if team is None else await targets_for(conn=conn, team=team.team)
    return build_report(
        report_id=report_id,
        kind=kind,
        team=key,
        team_name=ORGANISATION_NAME if team is None else team.name,
        current=await scorecards.of(key, period, targets),
        prior=await scorecards.of(key, period.previous(), targets),
        weeks=[await scorecards.of(key, w, targets) for w in trend_weeks(period)],
        targets=targets,
        published_at=now,
    )


async def announce(
    *,
    conn: asyncpg.Connection,
    document: ReportDocument,
    teams: Sequence[ReportTeam],
    now: datetime,
) -> None:
    """`report.published` to the team's lead, or to every lead for the organisation's."""
    readers = teams if document.team is None else [t for t in teams if t.team == document.team]
    recipients = sorted({t.lead_email for t in readers if t.lead_email})
    published = ReportPublished(
        report_id=document.report_id,
        kind=document.kind,
        team=document.team,
        period_start=document.period_start,
        period_end=document.period_end,
        title=document.title,
        figures=document.headline(),
        links=report_links(document.report_id),
        recipients=recipients,
        published_at=document.published_at,
    )
    await emit(conn, published, subject=str(document.report_id), now=now)
    after_commit(conn, INSIGHTS_REPORTS_PUBLISHED.labels(document.kind).inc)


async def publish_due_reports(
    *,
    conn: asyncpg.Connection,
    now: datetime,
    time_zone: str = "UTC",
    grace: timedelta = timedelta(0),
) -> list[UUID]:
    """For each kind, the last period that ended at least `grace` ago (events still on their
    way count): every team's report and the organisation's not yet stored. A replica that
    loses the race to store one emits nothing; without teams (before the facts arrive, or
    while a rebuild refills them) nothing is due."""
    teams = await report_teams(conn=conn)
    if not teams:
        return []
    scorecards = Scorecards(conn=conn, teams=teams, now=now)
    published: list[UUID] = []
    for kind in REPORT_KINDS:
        period = period_containing(KIND_PERIOD[kind], now - grace, tz=time_zone).previous()
        done = await reported_scopes(conn=conn, kind=kind, period_start=period.start)
        for team in [*teams, None]:
            if (None if team is None else team.team) in done:
                continue
            document = await compose_report(
                conn=conn,
                scorecards=scorecards,
                kind=kind,
                team=team,
                period=period,
                report_id=uuid.uuid4(),
                now=now,
            )
            async with conn.transaction():
                if await insert_report(conn=conn, document=document):
                    await announce(conn=conn, document=document, teams=teams, now=now)
                    published.append(document.report_id)
    return published


async def generate_report(
    *,
    conn: asyncpg.Connection,
    kind: ReportKind,
    team: str | None,
    at: datetime,
    now: datetime,
    time_zone: str = "UTC",
) -> ReportDocument:
    """(Re)generate the report of the period containing `at`, which must have ended; it keeps
    its id if it was stored before, and is announced again."""
    period = period_containing(KIND_PERIOD[kind], at, tz=time_zone)
    if period.end > now:
        raise invalid_field("body:at", f"the {KIND_PERIOD[kind]} of {at.isoformat()} has not ended")
    teams = await report_teams(conn=conn)
    found = None if team is None else await team_named(conn=conn, team=team)
    if team is not None and found is None:
        raise not_found(f"team {team!r} not found")
    existing = await report_id_of(conn=conn, kind=kind, team=team, period_start=period.start)
    document = await compose_report(
        conn=conn,
        scorecards=Scorecards(conn=conn, teams=teams, now=now),
        kind=kind,
        team=found,
        period=period,
        report_id=existing or uuid.uuid4(),
        now=now,
    )
    async with conn.transaction():
        await replace_report(conn=conn, document=document)
        await announce(conn=conn, document=document, teams=teams, now=now)
    return document


def may_read_report(viewer: Viewer, team: str | None) -> bool:
    """Admins any report; leads their teams' and the organisation's (mailed to every lead)."""
    if viewer.role == "admin":
        return True
    return viewer.role == "lead" and (team is None or viewer.may_see_team(team))


async def read_report(
    *, conn: asyncpg.Connection, viewer: Viewer, report_id: UUID
) -> ReportDocument:
    body = await report_body(conn=conn, report_id=report_id)
    if body is None:
        raise not_found(f"report {report_id} not found")
    document = ReportDocument.model_validate(body)
    if not may_read_report(viewer, document.team):
        raise ProblemError(403, f"report {report_id} is not one of your teams'")
    return document


async def list_reports(
    *,
    conn: asyncpg.Connection,
    viewer: Viewer,
    kind: ReportKind | None,
    team: str | None,
    organisation: bool,
    cursor: str | None,
    limit: int,
) -> Page[ReportSummary]:
    """Newest period first, of the reports the viewer may read."""
    after = read_cursor(
        cursor,
        kind="insights.reports",
        parse=lambda p: (
            datetime.fromisoformat(str(p["start"])),
            str(p["report_kind"]),
            str(p["team"]),
            UUID(str(p["id"])),
        ),
    )
    if viewer.role == "agent":
        raise ProblemError(403, "reports are for team leads and admins")
    if team is not None:
        if await team_named(conn=conn, team=team) is None:
            raise not_found(f"team {team!r} not found")
        if not may_read_report(viewer, team):
            raise ProblemError(403, f"team {team!r} is not one of yours")
    visible = None if viewer.role == "admin" else sorted(viewer.led_teams)
    rows: list[dict[str, Any]] = await report_list(
        conn=conn,
        kind=kind,
        team=team,
        organisation=organisation,
        visible_teams=visible,
        limit=limit + 1,
        after=after,
    )
    return page_of(
        [ReportSummary(**row, links=report_links(row["report_id"])) for row in rows],
        limit=limit,
        cursor=lambda r: encode_cursor(
            "insights.reports",
            {
                "start": r.period_start.isoformat(),
                "report_kind": r.kind,
                "team": r.team or "",
                "id": str(r.report_id),
            },
        ),
    )
