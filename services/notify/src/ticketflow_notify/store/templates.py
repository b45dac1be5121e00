"""SQL for message templates per event type and language."""

import asyncpg

from ticketflow_notify.domain.templates import MessageTemplate, TemplateIn, TemplateOut


async def upsert_template(
    *, conn: asyncpg.Connection, event_type: str, language: str, template: TemplateIn
) -> TemplateOut:
    await conn.execute(
        "INSERT INTO templates (event_type, language, subject, body) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (event_type, language) DO UPDATE SET subject = EXCLUDED.subject,"
        " body = EXCLUDED.body, updated_at = now()",
        event_type,
        language,
        template.subject,
        template.body,
    )
    return TemplateOut(
        event_type=event_type, language=language, subject=template.subject, body=template.body
    )


async def get_template(
    *, conn: asyncpg.Connection, event_type: str, language: str
) -> TemplateOut | None:
    row = await conn.fetchrow(
        "SELECT event_type, language, subject, body FROM templates"
        " WHERE event_type = $1 AND language = $2 FOR UPDATE",
        event_type,
        language,
    )
    return None if row is None else TemplateOut.model_validate(dict(row))


async def list_templates(
    *, conn: asyncpg.Connection, limit: int, after: tuple[str, str] | None = None
) -> list[TemplateOut]:
    """By event type and language, after a keyset position."""
    rows = await conn.fetch(
        "SELECT event_type, language, subject, body FROM templates"
        " WHERE $1::text IS NULL OR (event_type, language) > ($1, $2::text)"
        " ORDER BY event_type, language LIMIT $3",
        after[0] if after else None,
        after[1] if after else None,
        limit,
    )
    return [TemplateOut.model_validate(dict(r)) for r in rows]


async def delete_template(*, conn: asyncpg.Connection, event_type: str, language: str) -> bool:
    status = await conn.execute(
        "DELETE FROM templates WHERE event_type = $1 AND language = $2", event_type, language
    )
    return bool(status == "DELETE 1")


async def stored_templates(
    *, conn: asyncpg.Connection, event_type: str, languages: list[str]
) -> dict[str, MessageTemplate]:
    rows = await conn.fetch(
        "SELECT language, subject, body FROM templates"
        " WHERE event_type = $1 AND language = ANY($2::text[])",
        event_type,
        languages,
    )
    return {r["language"]: MessageTemplate(r["subject"], r["body"]) for r in rows}
