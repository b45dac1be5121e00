"""Thin routes for recipients' preferences: language and quiet hours."""

from typing import Annotated

from fastapi import APIRouter, Path, Response, status

from ticketflow_notify.api.deps import PoolDep, not_found
from ticketflow_notify.domain.endpoints import EmailAddress
from ticketflow_notify.domain.quiet_hours import Recipient, RecipientPreferences
from ticketflow_notify.store.recipients import delete_recipient, get_recipient, upsert_recipient

router = APIRouter(tags=["recipients"])

EmailPath = Annotated[EmailAddress, Path(description="The recipient's address.")]


@router.put("/recipients/{email}")
async def put_recipient(email: EmailPath, body: RecipientPreferences, pool: PoolDep) -> Recipient:
    """During quiet hours routine mail waits until they end; escalations are sent at once."""
    async with pool.acquire() as conn:
        return await upsert_recipient(conn=conn, email=email.lower(), preferences=body)


@router.get("/recipients/{email}")
async def read_recipient(email: EmailPath, pool: PoolDep) -> Recipient:
    async with pool.acquire() as conn:
        found = await get_recipient(conn=conn, email=email.lower())
    if found is None:
        raise not_found(f"recipient {email}")
    return found


@router.delete("/recipients/{email}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_recipient(email: EmailPath, pool: PoolDep) -> Response:
    async with pool.acquire() as conn:
        if not await delete_recipient(conn=conn, email=email.lower()):
            raise not_found(f"recipient {email}")
    return Response(status_code=status.HTTP_204_NO_CONTENT)
