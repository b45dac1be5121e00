"""SLA clocks from sla's events: targets, due instants, warnings, breaches and outcomes."""

from datetime import datetime

import asyncpg

from ticketflow_common.envelope import Envelope
from ticketflow_common.events import (
    SlaBreached,
    SlaCancelled,
    SlaMet,
    SlaPaused,
    SlaRecalculated,
    SlaResumed,
    SlaStarted,
    SlaWarning,
)
from ticketflow_insights.store import facts_sla as store


async def ingest_sla_started(
    *, conn: asyncpg.Connection, envelope: Envelope, event: SlaStarted, now: datetime
) -> None:
    values = {
        "target_seconds": event.target_seconds,
        "started_at": event.started_at,
        "due_at": event.due_at,
        "due_at_since": event.started_at,
    }
    await store.upsert_clock(
        conn=conn, facts=event, at=event.started_at, values=values, on_conflict=store.START
    )


async def ingest_sla_paused(
    *, conn: asyncpg.Connection, envelope: Envelope, event: SlaPaused, now: datetime
) -> None:
    await store.upsert_clock(
        conn=conn,
        facts=event,
        at=event.paused_at,
        values={"state": "paused"},
        on_conflict=store.PAUSE,
    )


async def ingest_sla_resumed(
    *, conn: asyncpg.Connection, envelope: Envelope, event: SlaResumed, now: datetime
) -> None:
    await store.upsert_clock(
        conn=conn,
        facts=event,
        at=event.resumed_at,
        values={"state": "running", "due_at": event.due_at, "due_at_since": event.resumed_at},
        on_conflict=store.RESUME,
    )


async def ingest_sla_warning(
    *, conn: asyncpg.Connection, envelope: Envelope, event: SlaWarning, now: datetime
) -> None:
    await store.upsert_clock(
        conn=conn,
        facts=event,
        at=event.fired_at,
        values={
            "warned_at": event.fired_at,
            "due_at": event.due_at,
            "due_at_since": event.fired_at,
        },
        on_conflict=store.WARN,
    )


async def ingest_sla_breached(
    *, conn: asyncpg.Connection, envelope: Envelope, event: SlaBreached, now: datetime
) -> None:
    await store.upsert_clock(
        conn=conn,
        facts=event,
        at=event.fired_at,
        values={
            "breached_at": event.fired_at,
            "outcome": "breached",
            "due_at": event.due_at,
            "due_at_since": event.fired_at,
        },
        on_conflict=store.BREACH,
    )


async def ingest_sla_met(
    *, conn: asyncpg.Connection, envelope: Envelope, event: SlaMet, now: datetime
) -> None:
    values = {
        "state": "stopped",
        "met_at": event.met_at,
        "outcome": "met",
        "business_seconds_used": event.business_seconds_used,
        "due_at": event.due_at,
        "due_at_since": event.met_at,
    }
    await store.upsert_clock(
        conn=conn, facts=event, at=event.met_at, values=values, on_conflict=store.MEET
    )


async def ingest_sla_cancelled(
    *, conn: asyncpg.Connection, envelope: Envelope, event: SlaCancelled, now: datetime
) -> None:
    await store.upsert_clock(
        conn=conn,
        facts=event,
        at=event.cancelled_at,
        values={"state": "stopped", "outcome": "cancelled"},
        on_conflict=store.CANCEL,
    )


async def ingest_sla_recalculated(
    *, conn: asyncpg.Connection, envelope: Envelope, event: SlaRecalculated, now: datetime
) -> None:
    values = {
        "target_seconds": event.target_seconds,
        "business_seconds_used": event.business_seconds_used,
        "due_at": event.due_at,
        "due_at_since": event.recalculated_at,
    }
    await store.upsert_clock(
        conn=conn,
        facts=event,
        at=event.recalculated_at,
        values=values,
        on_conflict=store.RECALCULATE,
    )
