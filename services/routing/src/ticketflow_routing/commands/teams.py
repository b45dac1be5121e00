"""Teams: created, changed, archived and looked up; each change is announced as `team.changed`
(key: team id)."""

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from ticketflow_common.events import TeamChanged
from ticketflow_common.events.audit import AuditActor
from ticketflow_common.events.routing import TeamChange
from ticketflow_common.in_use import refuse_if_used
from ticketflow_common.outbox import emit
from ticketflow_common.pagination import Page, encode_cursor, page_of, read_cursor
from ticketflow_common.problems import invalid_field
from ticketflow_routing.commands.audit import audit
from ticketflow_routing.domain.teams import Team
from ticketflow_routing.domain.tickets import DONE
from ticketflow_routing.store.agents import get_agent
from ticketflow_routing.store.queue import queue_of_team
from ticketflow_routing.store.teams import (
    archive_team,
    archived_among,
    ensure_teams,
    get_team,
    list_teams,
    lock_team,
    put_team,
    team_usages,
)

ANNOUNCED = {"name", "version", "lead_agent_id", "strategy"}
"""The team's fields `team.changed` carries as they are."""
TEAM = "routing.team"


async def change_team(
    *,
    conn: asyncpg.Connection,
    team_id: str,
    name: str,
    lead_agent_id: UUID | None,
    strategy: str,
    now: datetime,
    actor: AuditActor,
) -> Team:
    """Create or change the team (an archived one comes back); the lead must be a live agent.
    Audited as `routing.team` (its routing strategy included)."""
    async with conn.transaction():
        before = await lock_team(conn=conn, team_id=team_id)
        if lead_agent_id is not None:
            lead = await get_agent(conn=conn, agent_id=lead_agent_id)
            if lead is None or lead.archived_at is not None:
                raise invalid_field("lead_agent_id", f"agent {lead_agent_id} does not exist")
        team, created = await put_team(
            conn=conn, team_id=team_id, name=name, lead_agent_id=lead_agent_id, strategy=strategy
        )
        await _emit_change(
            conn=conn, team=team, change="created" if created else "updated", now=now
        )
        await audit(
            conn=conn,
            actor=actor,
            entity=TEAM,
            entity_id=team_id,
            action="created" if before is None else "updated",
            before=before,
            after=team,
            now=now,
        )
        return team


async def join_teams(
    *, conn: asyncpg.Connection, team_ids: list[str], field: str, now: datetime
) -> None:
    """Memberships name live teams; teams named for the first time are created and announced."""
    archived = await archived_among(conn=conn, team_ids=team_ids)
    if archived:
        raise invalid_field(field, f"team {archived[0]!r} is archived")
    for team in await ensure_teams(conn=conn, team_ids=team_ids):
        await _emit_change(conn=conn, team=team, change="created", now=now)


async def retire_team(
    *, conn: asyncpg.Connection, team_id: str, now: datetime, actor: AuditActor
) -> Team | None:
    """Archive the team unless live agents are members or tickets are still worked there
    (409 naming them); None when there is no live team of that id."""
    async with conn.transaction():
        before = await lock_team(conn=conn, team_id=team_id)
        if before is None:
            return None
        refuse_if_used(
            f"team {team_id!r}", await team_usages(conn=conn, team_id=team_id, done_statuses=DONE)
        )
        team = await archive_team(conn=conn, team_id=team_id, now=now)
        await _emit_change(conn=conn, team=team, change="archived", now=now)
        await audit(
            conn=conn,
            actor=actor,
            entity=TEAM,
            entity_id=team_id,
            action="archived",
            before=before,
            after=team,
            now=now,
        )
        return team


async def live_team(*, conn: asyncpg.Connection, team_id: str) -> Team | None:
    """The team, unless unknown or archived."""
    team = await get_team(conn=conn, team_id=team_id)
    return None if team is None or team.archived_at is not None else team


async def live_teams(*, conn: asyncpg.Connection, cursor: str | None, limit: int) -> Page[Team]:
    """Live teams by id."""
    after = read_cursor(cursor, kind="routing.teams", parse=lambda p: str(p["id"]))
    rows = await list_teams(conn=conn, limit=limit + 1, after=after)
    return page_of(rows, limit=limit, cursor=lambda t: encode_cursor("routing.teams", {"id": t.id}))


async def team_queue(
    *, conn: asyncpg.Connection, team_id: str, cursor: str | None, limit: int
) -> Page[dict[str, Any]]:
    """Tickets waiting for this team, in the order they will be assigned; `position` is the
    place in the whole queue."""
    kind = f"routing.queue.{team_id}"
    after = read_cursor(
        cursor,
        kind=kind,
        parse=lambda p: (
            int(p["rank"]),
            datetime.fromisoformat(str(p["queued_at"])),
            UUID(str(p["ticket_id"])),
        ),
    )
    rows = await queue_of_team(conn=conn, team=team_id, limit=limit + 1, after=after)
    page = page_of(
        rows,
        limit=limit,
        cursor=lambda r: encode_cursor(
            kind,
            {
                "rank": r["priority_rank"],
                "queued_at": r["queued_at"].isoformat(),
                "ticket_id": str(r["ticket_id"]),
            },
        ),
    )
    items = [{k: v for k, v in r.items() if k != "priority_rank"} for r in page.items]
    return Page[dict[str, Any]](items=items, next_cursor=page.next_cursor)


async def _emit_change(
    *, conn: asyncpg.Connection, team: Team, change: TeamChange, now: datetime
) -> None:
    event = TeamChanged(
        **team.model_dump(include=ANNOUNCED),
        team=team.id,
        change=change,
        archived=team.archived_at is not None,
        changed_at=now,
    )
    await emit(conn, event, subject=team.id, now=now)
