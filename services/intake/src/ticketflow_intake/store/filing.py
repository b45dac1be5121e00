"""SQL filing a ticket in one statement: its key, the ticket, its event and timeline entry.

A statement is atomic on its own, so the four rows commit together without BEGIN and COMMIT:
one round trip instead of seven (docs/benchmarks/README.md)."""

from dataclasses import dataclass
from typing import Any

import asyncpg

from ticketflow_common.envelope import Envelope
from ticketflow_common.text_analysis import ANALYSIS_VERSION, index_terms, load_dictionary_for
from ticketflow_intake.domain.priority import PRIORITY_RANK
from ticketflow_intake.domain.tickets import NewTicket, Ticket
from ticketflow_intake.store.tickets import PUBLIC_TERMS, PUBLIC_TEXT

_TICKET_COLUMNS = (
    "id, subject, description, requester, requester_id, channel, category, priority,"
    " priority_rank, impact, urgency, tags, custom_fields, amount, language, watchers,"
    " external_ref, required_skills, team, status, created_at, updated_at, search_public,"
    " terms_public, search_analysis"
)
_TICKET_VALUES = (
    "$1::uuid, $2::text, $3::text, $4::jsonb, $5::text, $6::text, $7::text, $8::text,"
    " $9::integer, $10::text, $11::text, $12::text[], $13::jsonb, $14::numeric, $15::text,"
    " $16::text[], $17::text, $18::text[], $19::text, $20::text, $21::timestamptz,"
    " $21::timestamptz, "
    + PUBLIC_TEXT.format(subject="$2::text", description="$3::text")
    + ", "
    + PUBLIC_TERMS.format(subject="$22", description="$23")
    + ", $24::integer"
)
_EVENT_ROWS = (
    " event AS (INSERT INTO outbox (event_id, topic, key, event_type, payload, headers)"
    " SELECT $25::uuid, $26::text, $27::text, $28::text, $29::jsonb, $30::jsonb FROM ticket),"
    " entry AS (INSERT INTO timeline (ticket_id, event_id, event_type, source, occurred_at, data)"
    " SELECT id, $25::uuid, $28::text, $31::text, $32::timestamptz, $33::jsonb FROM ticket)"
    " SELECT count(*) FROM ticket"
)
FILE_WITH_KEY = (
    "WITH claim AS (INSERT INTO idempotency_keys (credential_id, key, request_hash,"
    " response_status, response_body) VALUES ($34, $35, $36, 201, $37)"
    " ON CONFLICT (credential_id, key) DO NOTHING RETURNING 1),"
    f" ticket AS (INSERT INTO tickets ({_TICKET_COLUMNS}) SELECT {_TICKET_VALUES} FROM claim"
    " RETURNING id)," + _EVENT_ROWS
)
"""A key already used files nothing (a concurrent twin waits for the first one's commit)."""
FILE_WITHOUT_KEY = (
    f"WITH ticket AS (INSERT INTO tickets ({_TICKET_COLUMNS}) VALUES ({_TICKET_VALUES})"
    " RETURNING id)," + _EVENT_ROWS
)


@dataclass(frozen=True)
class IdempotencyClaim:
    """The key a filing claims, and the response it stores for a retry."""

    credential_id: str
    key: str
    request_hash: bytes


async def file_ticket_row(
    *,
    conn: asyncpg.Connection,
    ticket: Ticket,
    new: NewTicket,
    event: Envelope,
    topic: str,
    trace_carrier: dict[str, str],
    claim: IdempotencyClaim | None,
) -> bool:
    """Insert `ticket` (built from `new`, no row read back), its outbox event and timeline
    entry, and the claimed key with `ticket` as its stored response; False when the key was
    already used (nothing written)."""
    await load_dictionary_for(ticket.subject, ticket.description)
    values: list[Any] = [
        ticket.id,
        ticket.subject,
        ticket.description,
        new.requester.model_dump(mode="json"),
        ticket.requester.id,
        ticket.channel,
        ticket.category,
        ticket.priority,
        PRIORITY_RANK[ticket.priority],
        ticket.impact,
        ticket.urgency,
        ticket.tags,
        ticket.custom_fields,
        ticket.amount,
        ticket.language,
        ticket.watchers,
        ticket.external_ref,
        ticket.required_skills,
        ticket.team,
        ticket.status,
        ticket.created_at,
        index_terms(ticket.subject, language=ticket.language),
        index_terms(ticket.description, language=ticket.language),
        ANALYSIS_VERSION,
        event.id,
        topic,
        str(ticket.id),
        event.type,
        event.model_dump(mode="json"),
        trace_carrier,
        event.source,
        event.time,
        event.data,
    ]
    if claim is None:
        filed: int = await conn.fetchval(FILE_WITHOUT_KEY, *values)
    else:
        body = ticket.model_dump(mode="json")
        filed = await conn.fetchval(
            FILE_WITH_KEY, *values, claim.credential_id, claim.key, claim.request_hash, body
        )
    return filed == 1
