"""Thin routes for the block list (admin: the service token)."""

from typing import Annotated

from fastapi import APIRouter, Path, Response, status

from ticketflow_common.pagination import CursorQuery, LimitQuery, Page
from ticketflow_common.problems import not_found
from ticketflow_mail.api.deps import AuditActorDep, NowDep, PoolDep
from ticketflow_mail.commands import senders
from ticketflow_mail.domain.senders import BlockedSender, NewBlockedSender

router = APIRouter(tags=["blocked senders"])

SenderPath = Annotated[
    str, Path(max_length=320, description='An address or a domain ("@example.com").')
]


@router.get("/blocked-senders")
async def read_blocked_senders(
    pool: PoolDep, cursor: CursorQuery = None, limit: LimitQuery = 100
) -> Page[BlockedSender]:
    """The block list by sender."""
    async with pool.acquire() as conn:
        return await senders.list_blocked(conn=conn, cursor=cursor, limit=limit)


@router.post("/blocked-senders", status_code=status.HTTP_201_CREATED)
async def create_blocked_sender(
    body: NewBlockedSender, pool: PoolDep, now: NowDep, actor: AuditActorDep
) -> BlockedSender:
    """Refuse this address's (or domain's, subdomains included) mail from now on."""
    async with pool.acquire() as conn:
        return await senders.block_sender(conn=conn, new=body, actor=actor, now=now)


@router.delete("/blocked-senders/{sender}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_blocked_sender(
    sender: SenderPath, pool: PoolDep, now: NowDep, actor: AuditActorDep
) -> Response:
    async with pool.acquire() as conn:
        removed = await senders.unblock_sender(conn=conn, sender=sender, actor=actor, now=now)
    if not removed:
        raise not_found(f"blocked sender {sender} not found")
    return Response(status_code=status.HTTP_204_NO_CONTENT)
