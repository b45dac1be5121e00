"""The shipped retry schedule as the README states it: retried immediately, then after 5 s."""

import asyncio
import uuid
from datetime import timedelta

import asyncpg
import pytest
from pydantic import AnyHttpUrl

from tests.integration.notify.conftest import (
    T0,
    FakeClock,
    Receiver,
    build_dispatcher,
    fan_out,
    notify_settings,
)
from tests.integration.notify.events import breached
from tests.polling import eventually
from ticketflow_notify.adapters.http_sender import new_session
from ticketflow_notify.domain.endpoints import NewEndpoint
from ticketflow_notify.store.endpoints import insert_endpoint

pytestmark = pytest.mark.integration


async def test_a_failed_delivery_is_retried_at_once_then_after_the_schedules_5_s(
    notify_pool: asyncpg.Pool, receiver: Receiver
) -> None:
    receiver.answer = lambda _r: 500
    async with notify_pool.acquire() as conn:
        await insert_endpoint(
            conn=conn,
            endpoint_id=uuid.uuid4(),
            new=NewEndpoint(url=AnyHttpUrl(receiver.url())),
            secret="whsec_retry-schedule-secret",
        )
    await fan_out(notify_pool, breached(uuid.uuid4()))
    schedule = notify_settings().retry_schedule_seconds  # the default NOTIFY_RETRY_SCHEDULE_SECONDS
    clock = FakeClock(T0)  # frozen at T0: only an immediate retry can happen at all
    stop = asyncio.Event()

    async def two_attempts() -> bool:
        return bool(await notify_pool.fetchval("SELECT count(*) >= 2 FROM delivery_attempts"))

    async with new_session() as http:
        dispatcher = build_dispatcher(notify_pool, http, clock=clock, schedule=schedule)
        running = asyncio.create_task(dispatcher.run(stop, max_idle_seconds=0.05))
        try:
            await eventually(two_attempts, what="a second attempt at the first one's instant")
        finally:
            stop.set()
            await running

    log = await notify_pool.fetch(
        "SELECT attempt, started_at, status_code FROM delivery_attempts ORDER BY attempt"
    )
    assert [tuple(a) for a in log] == [(1, T0, 500), (2, T0, 500)]
    assert list(receiver.per_delivery().values()) == [2], "one delivery, sent twice"
    pending = await notify_pool.fetchrow("SELECT status, next_attempt_at FROM deliveries")
    assert pending["status"] == "pending"
    # The third attempt waits for the schedule's next entry, 5 s (±10% jitter).
    assert timedelta(seconds=4.5) <= pending["next_attempt_at"] - T0 <= timedelta(seconds=5.5)
