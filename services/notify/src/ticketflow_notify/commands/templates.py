"""Operators' message templates per event type and language."""

from datetime import datetime

import asyncpg

from ticketflow_common.events.audit import AuditActor
from ticketflow_common.pagination import Page, encode_cursor, page_of, read_cursor
from ticketflow_notify.commands.audit import audit
from ticketflow_notify.domain.templates import TemplateIn, TemplateOut
from ticketflow_notify.store import templates

TEMPLATE = "notify.template"


async def list_templates(
    *, conn: asyncpg.Connection, cursor: str | None, limit: int
) -> Page[TemplateOut]:
    """By event type and language."""
    after = read_cursor(
        cursor, kind="notify.templates", parse=lambda p: (str(p["event_type"]), str(p["language"]))
    )
    rows = await templates.list_templates(conn=conn, limit=limit + 1, after=after)
    return page_of(
        rows,
        limit=limit,
        cursor=lambda t: encode_cursor(
            "notify.templates", {"event_type": t.event_type, "language": t.language}
        ),
    )


async def put_template(
    *,
    conn: asyncpg.Connection,
    event_type: str,
    language: str,
    template: TemplateIn,
    actor: AuditActor,
    now: datetime,
) -> TemplateOut:
    async with conn.transaction():
        before = await templates.get_template(conn=conn, event_type=event_type, language=language)
        saved = await templates.upsert_template(
            conn=conn, event_type=event_type, language=language, template=template
        )
        await audit(
            conn=conn,
            actor=actor,
            entity=TEMPLATE,
            entity_id=f"{event_type}/{language}",
            action="created" if before is None else "updated",
            before=before,
            after=saved,
            now=now,
        )
        return saved


async def remove_template(
    *, conn: asyncpg.Connection, event_type: str, language: str, actor: AuditActor, now: datetime
) -> bool:
    """False when there was no such template (the shipped default is used anyway)."""
    async with conn.transaction():
        before = await templates.get_template(conn=conn, event_type=event_type, language=language)
        if before is None:
            return False
        await templates.delete_template(conn=conn, event_type=event_type, language=language)
        await audit(
            conn=conn,
            actor=actor,
            entity=TEMPLATE,
            entity_id=f"{event_type}/{language}",
            action="deleted",
            before=before,
            after=None,
            now=now,
        )
        return True
