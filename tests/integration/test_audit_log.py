"""The audit log on the real Postgres: entries and their diffs, the hash chain and what breaks
it, concurrent writers, `GET /audit` and the `verify-audit` command."""

import asyncio
import hashlib
import json
import os
import secrets
import sys
from collections.abc import AsyncIterator
from datetime import timedelta

import asyncpg
import httpx
import pytest

from tests.integration.paging import walk_pages
from tests.support.clock import MONDAY, FakeClock
from tests.support.harness import ServiceHarness, harness_runtime
from tests.support.schemas import fresh_schema
from ticketflow_common.audit import (
    GENESIS_HASH,
    REDACTED,
    canonical_json,
    record_change,
    verify_chain,
)
from ticketflow_common.events.audit import AuditActor
from ticketflow_sla.main import SPEC
from ticketflow_sla.settings import SlaSettings

pytestmark = pytest.mark.integration

TOKEN = secrets.token_urlsafe(24)
ACTOR = AuditActor(subject="p-1", role="admin", credential_id="k-1", client_address="10.0.0.7")


@pytest.fixture
async def chain(database_url: str) -> AsyncIterator[tuple[asyncpg.Pool, str]]:
    """A service schema (SLA's migrations, 0005 among the common ones) of this test's own."""
    async with fresh_schema(database_url, "sla", max_size=4) as (pool, schema):
        yield pool, schema


async def record(conn: asyncpg.Connection, n: int, **values: object) -> None:
    await record_change(
        conn=conn,
        service="sla",
        actor=ACTOR,
        entity="sla.policy",
        entity_id=f"p{n}",
        action="updated",
        before={"name": f"p{n}", "levels": [{"delay": 60}], "v": n},
        after={"name": f"p{n}", "levels": [{"delay": 120}], "v": n + 1, **values},
        now=MONDAY + timedelta(seconds=n),
    )


async def test_an_entry_records_the_diff_the_chain_and_the_event(
    chain: tuple[asyncpg.Pool, str],
) -> None:
    pool, _ = chain
    async with pool.acquire() as conn:
        async with conn.transaction():
            first = await record_change(
                conn=conn,
                service="sla",
                actor=ACTOR,
                entity="notify.endpoint",
                entity_id="e-1",
                action="created",
                before=None,
                after={"url": "https://x.test/h", "signing_secret": "s3cr3t", "retries": 3},
                now=MONDAY,
            )
            second = await record_change(
                conn=conn,
                service="sla",
                actor=ACTOR,
                entity="notify.endpoint",
                entity_id="e-1",
                action="secret_rotated",
                before={"url": "https://x.test/h", "signing_secret": "s3cr3t", "n": {"a": [1, 2]}},
                after={"url": "https://x.test/h", "signing_secret": "n3w", "n": {"a": [1, 3]}},
                now=MONDAY,
            )
        rows = await conn.fetch("SELECT * FROM audit_log ORDER BY sequence")
        outbox = await conn.fetch(
            "SELECT topic, key, payload FROM outbox WHERE topic = 'audit.events.v1' ORDER BY id"
        )
        report = await verify_chain(conn=conn)
    assert [r["sequence"] for r in rows] == [1, 2]
    assert first.previous_hash == GENESIS_HASH
    assert second.previous_hash == first.hash
    assert "s3cr3t" not in json.dumps([dict(r) for r in rows], default=str)
    assert rows[0]["after"]["signing_secret"] == REDACTED
    assert {c.path for c in first.changes} == {"url", "signing_secret", "retries"}
    assert [(c.path, c.before, c.after) for c in second.changes] == [
        ("n.a[1]", 2, 3),
        ("signing_secret", REDACTED, REDACTED),
    ], "a rotated secret shows as changed, never its value"
    assert rows[1]["actor"] == ACTOR.model_dump(mode="json")
    assert [(o["topic"], o["key"]) for o in outbox] == [("audit.events.v1", "sla")] * 2
    assert outbox[0]["payload"]["source"] == "/ticketflow/sla"
    assert outbox[1]["payload"]["data"]["hash"] == second.hash
    assert report.intact
    assert report.entries == 2
    assert report.last_hash == second.hash


async def test_chinese_values_hash_as_canonical_utf8(chain: tuple[asyncpg.Pool, str]) -> None:
    pool, _ = chain
    async with pool.acquire() as conn:
        recorded = await record_change(
            conn=conn,
            service="sla",
            actor=ACTOR,
            entity="intake.category",
            entity_id="网络",
            action="created",
            before=None,
            after={"name": "网络", "description": "办公室网络故障"},
            now=MONDAY,
        )
        report = await verify_chain(conn=conn)
    fields = recorded.model_dump(mode="json", exclude={"hash", "service"})
    fields["recorded_at"] = MONDAY.isoformat()
    body = canonical_json(fields)
    assert "办公室网络故障".encode() in body, "UTF-8, not \\u escapes"
    assert b'": ' not in body
    assert b", " not in body
    assert hashlib.sha256(body).hexdigest() == recorded.hash
    assert report.intact


@pytest.mark.parametrize(
    ("tamper", "broken", "reason"),
    [
        (
            "UPDATE audit_log SET after = jsonb_set(after, '{v}', '99') WHERE sequence = 2",
            2,
            "hash",
        ),
        ("DELETE FROM audit_log WHERE sequence = 2", 2, "gap"),
        (
            "UPDATE audit_log SET sequence = 100 WHERE sequence = 2;"
            " UPDATE audit_log SET sequence = 2 WHERE sequence = 3;"
            " UPDATE audit_log SET sequence = 3 WHERE sequence = 100",
            2,
            "previous_hash",
        ),
        (
            "UPDATE audit_log SET actor = jsonb_set(actor, '{subject}', '\"x\"')"
            " WHERE sequence = 3",
            3,
            "hash",
        ),
    ],
    ids=["changed-value", "deleted-row", "reordered", "changed-actor"],
)
async def test_tampering_names_the_first_broken_sequence(
    chain: tuple[asyncpg.Pool, str], tamper: str, broken: int, reason: str
) -> None:
    pool, _ = chain
    async with pool.acquire() as conn:
        for n in range(1, 5):
            await record(conn, n)
        assert (await verify_chain(conn=conn)).intact
        await conn.execute(tamper)
        report = await verify_chain(conn=conn)
    assert not report.intact
    assert report.broken_sequence == broken
    assert report.reason is not None
    assert report.reason.startswith(reason)


async def test_concurrent_writers_keep_one_linear_chain(chain: tuple[asyncpg.Pool, str]) -> None:
    pool, _ = chain

    async def writer(n: int) -> None:
        async with pool.acquire() as conn, conn.transaction():
            await record(conn, n)

    await asyncio.gather(*(writer(n) for n in range(12)))
    async with pool.acquire() as conn:
        sequences = [r["sequence"] for r in await conn.fetch("SELECT sequence FROM audit_log")]
        report = await verify_chain(conn=conn)
    assert sorted(sequences) == list(range(1, 13))
    assert report.intact
    assert report.entries == 12


async def test_an_entry_rolls_back_with_its_change(chain: tuple[asyncpg.Pool, str]) -> None:
    pool, _ = chain
    async with pool.acquire() as conn:
        transaction = conn.transaction()
        await transaction.start()
        await record(conn, 1)
        await transaction.rollback()
        assert await conn.fetchval("SELECT count(*) FROM audit_log") == 0
        assert await conn.fetchval("SELECT count(*) FROM outbox WHERE key = 'sla'") == 0


@pytest.fixture
async def sla_api(
    chain: tuple[asyncpg.Pool, str], database_url: str, kafka_bootstrap: str
) -> AsyncIterator[httpx.AsyncClient]:
    pool, schema = chain
    settings = SlaSettings(
        database_url=database_url,
        kafka_bootstrap_servers=kafka_bootstrap,
        api_token=TOKEN,
        auth_failure_limit=10_000,
    )
    clock = FakeClock()
    runtime = harness_runtime(
        service="sla", settings=settings, pool=pool, clock=clock, kafka_bootstrap=kafka_bootstrap
    )
    harness = ServiceHarness(spec=SPEC, runtime=runtime, clock=clock, schema=schema)
    async with harness.client(TOKEN) as client:
        yield client


async def test_get_audit_filters_pages_and_names_bad_filters(
    chain: tuple[asyncpg.Pool, str], sla_api: httpx.AsyncClient
) -> None:
    pool, _ = chain
    async with pool.acquire() as conn:
        for n in range(1, 6):
            await record(conn, n)
        await record_change(
            conn=conn,
            service="sla",
            actor=AuditActor(subject="p-2", role="admin"),
            entity="sla.calendar",
            entity_id="24x7",
            action="deleted",
            before={"name": "24x7"},
            after=None,
            now=MONDAY + timedelta(hours=1),
        )
    newest = (await sla_api.get("/audit")).json()
    assert [e["sequence"] for e in newest["items"]] == [6, 5, 4, 3, 2, 1]
    assert newest["next_cursor"] is None
    page = (await sla_api.get("/audit", params={"order": "oldest", "limit": 2})).json()
    assert [e["sequence"] for e in page["items"]] == [1, 2]
    following = await sla_api.get(
        "/audit", params={"order": "oldest", "limit": 2, "cursor": page["next_cursor"]}
    )
    assert [e["sequence"] for e in following.json()["items"]] == [3, 4]
    oldest = await walk_pages(
        sla_api, "/audit", key=lambda e: e["sequence"], params={"order": "oldest"}
    )
    assert [e["sequence"] for e in oldest] == [1, 2, 3, 4, 5, 6]
    newest_walk = await walk_pages(sla_api, "/audit", key=lambda e: e["sequence"], limit=4)
    assert [e["sequence"] for e in newest_walk] == [6, 5, 4, 3, 2, 1]
    mixed = await sla_api.get("/audit", params={"cursor": page["next_cursor"]})
    assert mixed.status_code == 422, "an oldest-first cursor does not continue newest-first"
    by_actor = (await sla_api.get("/audit", params={"actor": "p-2"})).json()["items"]
    assert [(e["entity"], e["action"]) for e in by_actor] == [("sla.calendar", "deleted")]
    one = await sla_api.get("/audit", params={"entity": "sla.policy", "entity_id": "p3"})
    assert [e["entity_id"] for e in one.json()["items"]] == ["p3"]
    assert one.json()["items"][0]["actor"]["client_address"] == "10.0.0.7"
    window = await sla_api.get(
        "/audit",
        params={
            "since": (MONDAY + timedelta(seconds=2)).isoformat(),
            "until": (MONDAY + timedelta(seconds=4)).isoformat(),
            "action": "updated",
        },
    )
    assert [e["sequence"] for e in window.json()["items"]] == [3, 2]
    bad: list[tuple[dict[str, str | int], str]] = [
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"since": "yesterday"}, "since"),
        ({"since": "2025-06-02T10:00:00"}, "since"),
        ({"order": "sideways"}, "order"),
        ({"cursor": "bm90LWEtY3Vyc29y"}, "cursor"),
        ({"since": MONDAY.isoformat(), "until": MONDAY.isoformat()}, "until"),
    ]
    for params, field in bad:
        refused = await sla_api.get("/audit", params=params)
        assert refused.status_code == 422, (params, refused.text)
        assert f"query:{field}" in {e["field"] for e in refused.json()["errors"]}, refused.text


async def test_get_audit_needs_a_credential(sla_api: httpx.AsyncClient) -> None:
    refused = await sla_api.get("/audit", headers={"Authorization": "Bearer wrong"})
    assert refused.status_code == 401


async def run_verify(database_url: str, kafka_bootstrap: str, schema: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "ticketflow_routing",
        "verify-audit",
        "--schema",
        schema,
        env={
            **os.environ,
            "ROUTING_DATABASE_URL": database_url,
            "ROUTING_KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
            "ROUTING_API_TOKEN": "only-needed-to-load-settings-0123",
        },
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None, err.decode()
    return process.returncode, out.decode() + err.decode()


async def test_verify_audit_command_exits_1_naming_the_tampered_entry(
    database_url: str, kafka_bootstrap: str
) -> None:
    async with fresh_schema(database_url, "routing", max_size=2) as (pool, schema):
        async with pool.acquire() as conn:
            for n in range(1, 4):
                await record(conn, n)
        code, output = await run_verify(database_url, kafka_bootstrap, schema)
        assert code == 0, output
        assert "intact: 3 entries" in output
        async with pool.acquire() as conn:
            await conn.execute("UPDATE audit_log SET entity_id = 'forged' WHERE sequence = 2")
        code, output = await run_verify(database_url, kafka_bootstrap, schema)
    assert code == 1, output
    assert "broken at sequence 2" in output
    assert "hash mismatch" in output
