"""The one table from event type to command, and the one source per publishing service."""

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import asyncpg
import pytest

from ticketflow_common import topics
from ticketflow_common.envelope import Envelope, new_event
from ticketflow_common.event_table import handlers_for
from ticketflow_common.events import EVENT_MODELS, TicketAssigned, TicketCreated
from ticketflow_common.outbox import event_for

NOW = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)


def created() -> TicketCreated:
    return TicketCreated(
        ticket_id=uuid4(),
        subject="打印机卡纸",
        priority="normal",
        status="new",
        required_skills=[],
        requester_id="u-1",
        created_at=NOW,
    )


async def test_each_event_type_runs_its_command_with_the_clocks_now() -> None:
    calls: list[tuple[str, Any, datetime]] = []

    async def on_created(
        *, conn: asyncpg.Connection, envelope: Envelope, event: Any, now: datetime
    ) -> None:
        calls.append(("created", event, now))

    async def on_assigned(
        *, conn: asyncpg.Connection, envelope: Envelope, event: Any, now: datetime
    ) -> None:
        calls.append(("assigned", event, now))

    handlers = handlers_for(
        {TicketCreated: on_created, TicketAssigned: on_assigned}, clock=lambda: NOW
    )
    assert set(handlers) == {"ticket.created", "ticket.assigned"}
    data = created()
    envelope = new_event(data, source="/tests", subject=str(data.ticket_id), time=NOW)
    await handlers["ticket.created"](None, envelope, data)
    assert calls == [("created", data, NOW)]


@pytest.mark.parametrize("event_type", sorted(EVENT_MODELS))
def test_every_event_names_the_one_service_that_publishes_its_topic(event_type: str) -> None:
    model = EVENT_MODELS[event_type]
    publisher = topics.PUBLISHED_BY[model.topic]
    assert topics.event_source(model.topic) == f"/ticketflow/{publisher}"
    assert publisher not in topics.CONSUMED_BY or model.topic not in topics.CONSUMED_BY[publisher]


def test_an_emitted_envelope_carries_its_publisher_subject_and_time() -> None:
    data = created()
    envelope = event_for(data, subject=str(data.ticket_id), now=NOW)
    assert (envelope.source, envelope.type, envelope.subject, envelope.time) == (
        "/ticketflow/intake",
        "ticket.created",
        str(data.ticket_id),
        NOW,
    )
    assert envelope.payload(TicketCreated) == data
