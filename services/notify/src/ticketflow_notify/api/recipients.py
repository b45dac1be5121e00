"""Thin routes for recipients' preferences: language and quiet hours."""

from typing import Annotated

from fastapi import APIRouter, Path, Response, status

from ticketflow_notify.api.deps import AuditActorDep, NowDep, PoolDep, deleted, found
from ticketflow_notify.commands import recipients
from ticketflow_notify.domain.endpoints import EmailAddress
from ticketflow_notify.domain.quiet_hours import Recipient, RecipientPreferences

router = APIRouter(tags=["recipients"])

EmailPath = Annotated[EmailAddress, Path(description="The recipient's address.")]


@router.put("/recipients/{email}")
async def put_recipient(
    email: EmailPath, body: RecipientPreferences, pool: PoolDep, now: NowDep, actor: AuditActorDep
) -> Recipient:
    """During quiet hours routine mail waits until they end; escalations are sent at once."""
    async with pool.acquire() as conn:
        return await recipients.set_preferences(
            conn=conn, email=email, preferences=body, actor=actor, now=now
        )


@router.get("/recipients/{email}")
async def read_recipient(email: EmailPath, pool: PoolDep) -> Recipient:
    async with pool.acquire() as conn:
        recipient = await recipients.find_recipient(conn=conn, email=email)
    return found(recipient, f"recipient {email}")


@router.delete("/recipients/{email}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_recipient(
    email: EmailPath, pool: PoolDep, now: NowDep, actor: AuditActorDep
) -> Response:
    async with pool.acquire() as conn:
        forgotten = await recipients.forget_recipient(conn=conn, email=email, actor=actor, now=now)
    return deleted(forgotten, f"recipient {email}")
