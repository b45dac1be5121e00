"""`agent.changed`: every create, change, status change and removal of an agent is in the
outbox, committed with it, carrying the agent as it now is and a version that only grows."""

import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
import pytest

from tests.integration.routing.conftest import FakeIntake, owner_of
from ticketflow_common.db import create_pool
from ticketflow_common.events import AgentChanged
from ticketflow_common.migrations import apply_migrations, service_migrations

pytestmark = pytest.mark.integration

GRACE = {
    "name": "Grace",
    "team": "net",
    "teams": ["vpn-desk"],
    "email": "grace@example.com",
    "skills": ["vpn"],
    "capacity": 3,
    "time_zone": "Asia/Shanghai",
    "shifts": [{"days": ["mon", "tue"], "start": "09:00", "end": "17:00"}],
}


async def agent_events(pool: asyncpg.Pool, agent_id: str) -> list[dict[str, Any]]:
    """The `agent.changed` envelopes routing committed for one agent, oldest first."""
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT key, topic, payload FROM outbox WHERE event_type = 'agent.changed'"
            " AND key = $1 ORDER BY id",
            agent_id,
        )
    assert {(r["key"], r["topic"]) for r in rows} <= {(agent_id, "routing.events.v1")}
    return [r["payload"] for r in rows]


async def create(api: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    created = await api.post("/agents", json={**GRACE, **fields})
    assert created.status_code == 201, created.text
    found: dict[str, Any] = created.json()
    return found


async def test_create_patch_status_and_delete_announce_the_agent_with_growing_versions(
    api: httpx.AsyncClient, routing_pool: asyncpg.Pool, intake: FakeIntake
) -> None:
    grace = await create(api)
    [created] = await agent_events(routing_pool, grace["id"])
    assert created["type"] == "agent.changed"
    assert created["subject"] == grace["id"]
    assert created["source"] == "/ticketflow/routing"
    data = AgentChanged.model_validate(created["data"])
    assert data.model_dump(mode="json", exclude={"agent_id"}) == {
        "name": "Grace",
        "change": "created",
        "version": 1,
        "teams": ["net", "vpn-desk"],
        "email": "grace@example.com",
        "capacity": 3,
        "status": "online",
        "time_zone": "Asia/Shanghai",
        "shifts": [{"days": ["mon", "tue"], "start": "09:00:00", "end": "17:00:00"}],
        "changed_at": intake.now.isoformat().replace("+00:00", "Z"),
    }
    assert str(data.agent_id) == grace["id"]
    assert grace["version"] == 1

    intake.tick(60)
    patched = await api.patch(
        f"/agents/{grace['id']}",
        json={
            "capacity": 5,
            "teams": ["billing"],
            "shifts": [{"days": ["sat"], "start": "22:00", "end": "06:00"}],
        },
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["version"] == 2
    update = (await agent_events(routing_pool, grace["id"]))[-1]["data"]
    assert (update["change"], update["version"], update["capacity"]) == ("updated", 2, 5)
    assert update["teams"] == ["net", "billing"], "the home team stays first"
    assert update["shifts"] == [{"days": ["sat"], "start": "22:00:00", "end": "06:00:00"}]
    assert update["changed_at"] == intake.now.isoformat().replace("+00:00", "Z")

    cleared = await api.patch(f"/agents/{grace['id']}", json={"clear_shifts": True})
    assert cleared.status_code == 200
    assert (await agent_events(routing_pool, grace["id"]))[-1]["data"]["shifts"] is None

    away = await api.put(f"/agents/{grace['id']}/status", json={"status": "away"})
    assert away.status_code == 200
    status = (await agent_events(routing_pool, grace["id"]))[-1]["data"]
    assert (status["change"], status["status"], status["version"]) == ("updated", "away", 4)
    same = await api.put(f"/agents/{grace['id']}/status", json={"status": "away"})
    assert same.json()["version"] == 4, "no change, no new version"
    assert len(await agent_events(routing_pool, grace["id"])) == 4

    assert (await api.delete(f"/agents/{grace['id']}")).status_code == 204
    events = [e["data"] for e in await agent_events(routing_pool, grace["id"])]
    removed = events[-1]
    assert (removed["change"], removed["status"]) == ("removed", "offline")
    assert [e["version"] for e in events] == [1, 2, 3, 4, 5]
    assert [e["change"] for e in events] == ["created", "updated", "updated", "updated", "removed"]
    for event in events:
        AgentChanged.model_validate(event)


async def test_an_agent_without_a_schedule_and_each_agent_its_own_versions(
    api: httpx.AsyncClient, routing_pool: asyncpg.Pool
) -> None:
    ann = await create(api, name="Ann", shifts=None, email=None)
    bob = await create(api, name="Bob")
    await api.patch(f"/agents/{bob['id']}", json={"name": "Bobby"})
    [ann_created] = await agent_events(routing_pool, ann["id"])
    assert (ann_created["data"]["shifts"], ann_created["data"]["email"]) == (None, None)
    bob_events = [e["data"] for e in await agent_events(routing_pool, bob["id"])]
    assert [(e["name"], e["version"]) for e in bob_events] == [("Bob", 1), ("Bobby", 2)]


async def test_a_refused_change_announces_nothing(
    api: httpx.AsyncClient, routing_pool: asyncpg.Pool, intake: FakeIntake
) -> None:
    """Deleting an agent who owns a ticket is refused: no event, no new version."""
    grace = await create(api, shifts=None)
    ticket = intake.created(skills=["vpn"], team="net")
    await intake.send(ticket)
    assert str(await owner_of(routing_pool, ticket.ticket_id)) == grace["id"]
    assert (await api.delete(f"/agents/{grace['id']}")).status_code == 409
    bad = await api.patch(f"/agents/{grace['id']}", json={"capacity": -1})
    assert bad.status_code == 422
    assert [e["data"]["change"] for e in await agent_events(routing_pool, grace["id"])] == [
        "created"
    ]
    assert (await api.get(f"/agents/{grace['id']}")).json()["version"] == 1


async def _migrated_with(
    database_url: str, *, before: str, rows: list[tuple[str, tuple[object, ...]]], event_type: str
) -> list[asyncpg.Record]:
    """Apply routing's migrations up to `before`, insert `rows` (SQL, arguments), apply the
    rest: the outbox rows of `event_type` the migrations wrote."""
    migrations = service_migrations("routing")
    last = next(i for i, m in enumerate(migrations) if m.name.endswith(before))
    schema = f"routing_{uuid.uuid4().hex[:10]}"
    pool = await create_pool(dsn=database_url, schema=schema, max_size=2)
    try:
        async with pool.acquire() as conn:
            await apply_migrations(conn=conn, schema=schema, migrations=migrations[:last])
            for sql, args in rows:
                await conn.execute(sql, *args)
            await apply_migrations(conn=conn, schema=schema, migrations=migrations)
            found: list[asyncpg.Record] = await conn.fetch(
                "SELECT key, payload FROM outbox WHERE event_type = $1 ORDER BY key", event_type
            )
    finally:
        async with pool.acquire() as conn:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await pool.close()
    return found


async def test_the_migration_announces_the_agents_that_exist_already(database_url: str) -> None:
    """Agents from before versions existed are announced once, the archived ones as removed."""
    live, gone = uuid.uuid4(), uuid.uuid4()
    insert = (
        "INSERT INTO agents (id, name, team, teams, email, capacity, status, time_zone, shifts,"
        " archived_at) VALUES ($1, $2, 'net', $3, $4, $5, $6, $7, $8, $9)"
    )
    shifts = [{"days": ["mon"], "start": "09:00:00", "end": "17:00:00"}]
    rows = await _migrated_with(
        database_url,
        before="0011_agent_versions.sql",
        rows=[
            (
                insert,
                (live, "Grace", ["vpn", "net"], "g@x.com", 2, "away", "Europe/Paris", shifts, None),
            ),
            (insert, (gone, "Old", ["net"], None, 1, "offline", "UTC", None, datetime.now(UTC))),
        ],
        event_type="agent.changed",
    )
    found = {r["key"]: AgentChanged.model_validate(r["payload"]["data"]) for r in rows}
    assert set(found) == {str(live), str(gone)}
    grace, old = found[str(live)], found[str(gone)]
    assert (grace.change, grace.version, grace.teams, grace.status) == (
        "created",
        1,
        ["net", "vpn"],
        "away",
    )
    assert grace.shifts is not None
    assert [s.days for s in grace.shifts] == [["mon"]]
    assert (old.change, old.shifts, old.email) == ("removed", None, None)
    assert len({r["payload"]["id"] for r in rows}) == 2


async def test_the_migration_announces_each_existing_team_with_an_event_of_its_own(
    database_url: str,
) -> None:
    rows = await _migrated_with(
        database_url,
        before="0010_archived_teams_and_agents.sql",
        rows=[("INSERT INTO teams (id, name) VALUES ('net', 'Network'), ('billing', '账单')", ())],
        event_type="team.changed",
    )
    assert [(r["key"], r["payload"]["data"]["name"]) for r in rows] == [
        ("billing", "账单"),
        ("net", "Network"),
    ]
    assert len({r["payload"]["id"] for r in rows}) == 2
