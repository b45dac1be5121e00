"""Thin routes for message templates per event type and language."""

from typing import Annotated

from fastapi import APIRouter, Path, Response, status

from ticketflow_common.pagination import CursorQuery, LimitQuery, Page
from ticketflow_notify.api.deps import AuditActorDep, NowDep, PoolDep, deleted
from ticketflow_notify.commands import templates
from ticketflow_notify.domain.endpoints import EventTypeName
from ticketflow_notify.domain.templates import Language, TemplateIn, TemplateOut

router = APIRouter(tags=["templates"])

EventTypePath = Annotated[EventTypeName, Path(description="e.g. sla.breached")]
LanguagePath = Annotated[Language, Path(description="e.g. en, de, pt-BR")]


@router.get("/templates")
async def read_templates(
    pool: PoolDep, cursor: CursorQuery = None, limit: LimitQuery = 100
) -> Page[TemplateOut]:
    """The operator's templates by event type and language; event types without one use the
    shipped defaults."""
    async with pool.acquire() as conn:
        return await templates.list_templates(conn=conn, cursor=cursor, limit=limit)


@router.put("/templates/{event_type}/{language}")
async def put_template(
    event_type: EventTypePath,
    language: LanguagePath,
    body: TemplateIn,
    pool: PoolDep,
    now: NowDep,
    actor: AuditActorDep,
) -> TemplateOut:
    """Jinja2, rendered in a sandbox with `event` (the CloudEvent), `data` (its payload) and
    `ticket` (notify's view of the ticket); digests get `items`, `team` and `event_type`."""
    async with pool.acquire() as conn:
        return await templates.put_template(
            conn=conn,
            event_type=event_type,
            language=language,
            template=body,
            actor=actor,
            now=now,
        )


@router.delete("/templates/{event_type}/{language}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_template(
    event_type: EventTypePath,
    language: LanguagePath,
    pool: PoolDep,
    now: NowDep,
    actor: AuditActorDep,
) -> Response:
    async with pool.acquire() as conn:
        removed = await templates.remove_template(
            conn=conn, event_type=event_type, language=language, actor=actor, now=now
        )
    return deleted(removed, f"template {event_type}/{language}")
