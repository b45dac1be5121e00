"""Operators' message templates per event type and language."""

import asyncpg

from ticketflow_notify.domain.templates import TemplateIn, TemplateOut
from ticketflow_notify.store import templates


async def list_templates(*, conn: asyncpg.Connection) -> list[TemplateOut]:
    return await templates.list_templates(conn=conn)


async def put_template(
    *, conn: asyncpg.Connection, event_type: str, language: str, template: TemplateIn
) -> TemplateOut:
    return await templates.upsert_template(
        conn=conn, event_type=event_type, language=language, template=template
    )


async def remove_template(*, conn: asyncpg.Connection, event_type: str, language: str) -> bool:
    """False when there was no such template (the shipped default is used anyway)."""
    return await templates.delete_template(conn=conn, event_type=event_type, language=language)
