"""The events API (#19): every event notify hears of, as its webhook body, oldest first, paged
by a cursor that never skips nor repeats one, filtered by type pattern and ticket, kept for
the retention and authorised as the table says."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from tests.integration.notify.conftest import T0, NotifyHarness, notify_settings
from tests.integration.notify.events import assigned, breached, created, warning
from tests.kafka_helpers import delete_topics
from tests.polling import eventually
from tests.support.clock import FakeClock
from tests.support.harness import harness_runtime
from tests.support.identity_tokens import IDENTITY_SETTINGS, access_token, bearer
from tests.support.schemas import fresh_schema
from ticketflow_common.consumer import EventConsumer
from ticketflow_common.envelope import Envelope
from ticketflow_common.events import EVENT_MODELS
from ticketflow_common.kafka import new_producer
from ticketflow_common.kafka_topics import ensure_topics
from ticketflow_common.pagination import encode_cursor
from ticketflow_common.service_main import build_app
from ticketflow_common.topics import SLA, TICKETS, TopicNames, dlq_topic
from ticketflow_notify.commands.event_log import record_event
from ticketflow_notify.main import SPEC
from ticketflow_notify.workers.event_log_pruning import run_event_log_pruning

pytestmark = pytest.mark.integration


def body(event: Envelope) -> dict[str, Any]:
    """The JSON a webhook delivery of `event` carries."""
    return event.model_dump(mode="json")


async def read_all(
    api: httpx.AsyncClient, *, expected: int, limit: int = 200, **params: Any
) -> tuple[list[dict[str, Any]], str | None]:
    """Page through from the start until `expected` events are in (a transaction elsewhere
    on the shared database holds back the feed until it ends); every page's items and the
    cursor to resume from."""
    found: list[dict[str, Any]] = []
    cursor: str | None = None

    async def caught_up() -> bool:
        nonlocal cursor
        while True:
            query = {**params, "limit": limit} | ({"cursor": cursor} if cursor else {})
            page = await api.get("/events", params=query)
            assert page.status_code == 200, page.text
            items, cursor = page.json()["items"], page.json()["next_cursor"]
            found.extend(items)
            if not items:
                return len(found) >= expected

    await eventually(caught_up, what=f"{expected} events in the log")
    return found, cursor


async def test_events_from_the_bus_show_up_once_in_order_as_their_webhook_bodies(
    notify: NotifyHarness, api: httpx.AsyncClient, kafka_bootstrap: str
) -> None:
    names = TopicNames(f"it{uuid.uuid4().hex[:10]}.")
    topics = [TICKETS, SLA]
    dlqs = [dlq_topic(t, "notify") for t in topics]
    await ensure_topics(
        bootstrap_servers=kafka_bootstrap, names=names, partitions=3, only=topics + dlqs
    )
    producer = new_producer(kafka_bootstrap, client_id="itest-events")
    await producer.start()
    ticket, other = uuid.uuid4(), uuid.uuid4()
    sla_events = [warning(ticket, at=T0 + timedelta(minutes=m)) for m in range(5)]
    sla_events.append(breached(ticket, at=T0 + timedelta(minutes=6)))
    ticket_events = [created(other), assigned(other)]
    stop = asyncio.Event()
    consumer = EventConsumer(
        service="notify",
        pool=notify.pool,
        producer=producer,
        bootstrap_servers=kafka_bootstrap,
        topics=topics,
        names=names,
        handlers=dict(notify.handlers),
        group_id=f"{names.prefix}notify",
    )
    task = asyncio.create_task(consumer.run(stop))
    try:
        for event in [*sla_events, sla_events[2], *ticket_events, ticket_events[0]]:
            topic = SLA if event.type.startswith("sla.") else TICKETS
            key = event.subject.encode()
            await producer.send_and_wait(names.physical(topic), value=event.to_bytes(), key=key)
        found, _ = await read_all(api, expected=len(sla_events) + len(ticket_events))
    finally:
        stop.set()
        await task
        await producer.stop()
        await delete_topics(bootstrap=kafka_bootstrap, prefix=names.prefix)

    assert len(found) == len(sla_events) + len(ticket_events)  # redeliveries kept once
    assert [e for e in found if e["subject"] == str(ticket)] == [body(e) for e in sla_events]
    assert [e for e in found if e["subject"] == str(other)] == [body(e) for e in ticket_events]


async def test_type_patterns_and_the_ticket_narrow_the_events(
    notify: NotifyHarness, api: httpx.AsyncClient
) -> None:
    first, second = uuid.uuid4(), uuid.uuid4()
    events = [created(first), warning(first), breached(first), created(second), warning(second)]
    for event in events:
        assert await notify.deliver(event) == "processed"
    await read_all(api, expected=len(events))

    async def ids(**params: Any) -> list[str]:
        page = await api.get("/events", params=params)
        assert page.status_code == 200, page.text
        return [e["id"] for e in page.json()["items"]]

    def of(*chosen: Envelope) -> list[str]:
        return [str(e.id) for e in chosen]

    assert await ids(type="sla.*") == of(events[1], events[2], events[4])
    assert await ids(type=["sla.breached", "ticket.*"]) == of(events[0], events[2], events[3])
    assert await ids(type="*") == of(*events)
    assert await ids(ticket_id=str(second)) == of(events[3], events[4])
    assert await ids(ticket_id=str(first), type="sla.*") == of(events[1], events[2])
    assert await ids(type="sla.met") == []
    for bad in ["sla.", "SLA.*", "*.breached", "sla.**", "x" * 101, "sla.breached\n", "工单.*"]:
        refused = await api.get("/events", params={"type": bad})
        assert refused.status_code == 422, (bad, refused.text)
        assert [e["field"] for e in refused.json()["errors"]] == ["query:type"]


async def test_paging_to_the_end_and_polling_on_misses_and_repeats_nothing(
    notify: NotifyHarness, api: httpx.AsyncClient
) -> None:
    ticket = uuid.uuid4()
    events = [warning(ticket, at=T0 + timedelta(seconds=s)) for s in range(23)]
    for event in events:
        await notify.deliver(event)
    await read_all(api, expected=len(events))

    paged: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 5} | ({"cursor": cursor} if cursor else {})
        page = (await api.get("/events", params=params)).json()
        if not page["items"]:
            assert page["next_cursor"] == cursor  # caught up: resume from the same place
            break
        paged += [e["id"] for e in page["items"]]
        cursor = page["next_cursor"]
    assert paged == [str(e.id) for e in events]

    later = [breached(ticket), created(uuid.uuid4(), language="zh")]
    for event in later:
        await notify.deliver(event)
    assert await notify.deliver(later[0]) == "duplicate"

    async def new_ones() -> list[dict[str, Any]]:
        page = (await api.get("/events", params={"cursor": cursor})).json()
        items: list[dict[str, Any]] = page["items"]
        return items

    polled = await eventually(new_ones, what="the events after the cursor")
    assert polled == [body(e) for e in later]


async def test_an_event_committing_late_is_not_skipped_by_a_reader(
    notify: NotifyHarness, api: httpx.AsyncClient
) -> None:
    """The earlier transaction draws the earlier position but commits after the later one:
    the later stays hidden until it does, then both come, the earlier first."""
    early, late = warning(uuid.uuid4()), breached(uuid.uuid4())
    async with notify.pool.acquire() as held, notify.pool.acquire() as other:
        transaction = held.transaction()
        await transaction.start()
        await record_event(conn=held, envelope=early, event=payload(early), now=T0)
        async with other.transaction():
            await record_event(conn=other, envelope=late, event=payload(late), now=T0)
        page = (await api.get("/events")).json()
        assert page["items"] == []
        await transaction.commit()
    found, _ = await read_all(api, expected=2)
    assert [e["id"] for e in found] == [str(early.id), str(late.id)]


def payload(event: Envelope) -> Any:
    return event.payload(EVENT_MODELS[event.type])


async def test_a_cursor_this_api_did_not_hand_out_is_a_422_naming_it(
    api: httpx.AsyncClient,
) -> None:
    bad = [
        "not a cursor",
        "e30",  # {}
        encode_cursor("tickets", {"tx": 1, "seq": 1}),
        encode_cursor("events", {"tx": -1, "seq": 1}),
        encode_cursor("events", {"tx": "1", "seq": 1}),
        encode_cursor("events", {"tx": True, "seq": 1}),
        encode_cursor("events", {"tx": 2**63, "seq": 1}),
        encode_cursor("events", {"tx": 1, "seq": 1, "extra": 1}),
        "工单",
    ]
    for cursor in bad:
        refused = await api.get("/events", params={"cursor": cursor})
        assert refused.status_code == 422, (cursor, refused.text)
        assert [e["field"] for e in refused.json()["errors"]] == ["query:cursor"]


async def test_pruning_forgets_only_events_older_than_the_retention(
    notify: NotifyHarness, api: httpx.AsyncClient
) -> None:
    assert notify.settings.event_retention_days == 14
    old, kept = warning(uuid.uuid4()), breached(uuid.uuid4())
    async with notify.pool.acquire() as conn:
        for event, age in [(old, timedelta(days=14, seconds=1)), (kept, timedelta(days=13))]:
            await record_event(conn=conn, envelope=event, event=payload(event), now=T0 - age)
    await read_all(api, expected=2)
    stop = asyncio.Event()
    worker = asyncio.create_task(run_event_log_pruning(notify.runtime, stop))
    try:

        async def pruned() -> bool:
            async with notify.pool.acquire() as conn:
                left = await conn.fetch("SELECT event_id FROM event_log")
            return [r["event_id"] for r in left] == [kept.id]

        await eventually(pruned, what="the old event to be pruned")
    finally:
        stop.set()
        await asyncio.wait_for(worker, timeout=10)
    assert [e["id"] for e in (await api.get("/events")).json()["items"]] == [str(kept.id)]


@pytest.fixture
async def identity_api(database_url: str, kafka_bootstrap: str) -> AsyncIterator[httpx.AsyncClient]:
    """Notify with identity configured: callers are the tokens' principals."""
    async with fresh_schema(database_url, "notify") as (pool, _schema):
        runtime = harness_runtime(
            service="notify",
            settings=notify_settings(**IDENTITY_SETTINGS),
            pool=pool,
            clock=FakeClock(T0),
            kafka_bootstrap=kafka_bootstrap,
        )
        transport = httpx.ASGITransport(app=build_app(SPEC, runtime))
        async with httpx.AsyncClient(transport=transport, base_url="http://notify") as client:
            yield client


async def test_integrators_and_admins_read_events_others_are_refused(
    identity_api: httpx.AsyncClient,
) -> None:
    def as_(role: str, scope: str | None = None) -> dict[str, str]:
        return bearer(access_token(role, scope=scope, now=T0))

    assert (await identity_api.get("/events")).status_code == 401
    for role in ["requester", "agent", "lead", "approver"]:
        assert (await identity_api.get("/events", headers=as_(role))).status_code == 403, role
    narrow = as_("integrator", scope="notify:endpoints:read")
    assert (await identity_api.get("/events", headers=narrow)).status_code == 403
    for allowed in [as_("integrator"), as_("integrator", "notify:events:read"), as_("admin")]:
        page = await identity_api.get("/events", headers=allowed)
        assert page.status_code == 200, page.text
        assert page.json() == {"items": [], "next_cursor": None}
