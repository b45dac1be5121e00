"""Thin routes for the quarantine: mails kept aside, and their release (admin)."""

from uuid import UUID

from fastapi import APIRouter, status

from ticketflow_common.pagination import CursorQuery, LimitQuery, Page
from ticketflow_common.problems import not_found
from ticketflow_mail.api.deps import AuditActorDep, NowDep, PoolDep
from ticketflow_mail.commands import quarantine
from ticketflow_mail.domain.senders import QuarantinedMail, Released

router = APIRouter(tags=["quarantine"])


@router.get("/quarantine")
async def read_quarantine(
    pool: PoolDep,
    cursor: CursorQuery = None,
    limit: LimitQuery = 100,
) -> Page[QuarantinedMail]:
    """Mails kept aside with the reason, newest first."""
    async with pool.acquire() as conn:
        return await quarantine.list_quarantined(conn=conn, cursor=cursor, limit=limit)


@router.post("/quarantine/{mail_id}/release", status_code=status.HTTP_202_ACCEPTED)
async def release_quarantined(
    mail_id: UUID, pool: PoolDep, now: NowDep, actor: AuditActorDep
) -> Released:
    """Process the mail again (after a parser fix, or a raised MAIL_MAX_MESSAGE_BYTES)."""
    async with pool.acquire() as conn:
        released = await quarantine.release_mail(conn=conn, mail_id=mail_id, actor=actor, now=now)
    if released is None:
        raise not_found(f"quarantined mail {mail_id} not found")
    return released
