"""Notify's background loops as the service runs them: from its spec, on its context."""

import asyncio
import uuid

import httpx
import pytest

from tests.integration.notify.conftest import NotifyHarness, Receiver
from tests.integration.notify.events import breached
from tests.polling import eventually
from ticketflow_notify.workers.digest_closer import run_digest_closer
from ticketflow_notify.workers.dispatcher import run_dispatcher
from ticketflow_notify.workers.event_log_pruning import run_event_log_pruning
from ticketflow_notify.workers.stats import run_stats

pytestmark = pytest.mark.integration


async def test_the_spec_runs_dispatcher_digests_and_gauges_until_stopped(
    notify: NotifyHarness, api: httpx.AsyncClient, receiver: Receiver
) -> None:
    assert list(notify.spec.loops) == [
        run_dispatcher,
        run_digest_closer,
        run_stats,
        run_event_log_pruning,
    ]
    created = await api.post("/endpoints", json={"url": receiver.url()})
    assert created.status_code == 201, created.text
    stop = asyncio.Event()
    loops = [asyncio.create_task(loop(notify.runtime, stop)) for loop in notify.spec.loops]
    try:
        assert await notify.deliver(breached(uuid.uuid4())) == "processed"

        async def delivered() -> bool:
            found = (await api.get("/deliveries", params={"status": "delivered"})).json()["items"]
            return len(found) == 1 and len(receiver.received) == 1

        await eventually(delivered, what="the dispatcher to deliver the event", within=10)
    finally:
        stop.set()
        await asyncio.wait_for(asyncio.gather(*loops), timeout=10)
    assert all(loop.done() and loop.exception() is None for loop in loops)
