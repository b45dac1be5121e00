"""Thin routes for the files tickets' mails carried, under the tickets' access rules."""

from uuid import UUID

from fastapi import APIRouter, Response

from ticketflow_common.pagination import Page
from ticketflow_mail.api.deps import CallerDep, PoolDep
from ticketflow_mail.commands import attachments
from ticketflow_mail.domain.attachments import AttachmentView, content_disposition, served_type

router = APIRouter(tags=["attachments"])


@router.get("/tickets/{ticket_id}/attachments")
async def list_attachments(
    ticket_id: UUID, caller: CallerDep, pool: PoolDep
) -> Page[AttachmentView]:
    """A ticket's files, oldest first, in one page; 404 for a requester asking about another's
    ticket."""
    async with pool.acquire() as conn:
        files = await attachments.list_attachments(conn=conn, caller=caller, ticket_id=ticket_id)
    return Page[AttachmentView](items=files, next_cursor=None)


@router.get(
    "/attachments/{attachment_id}",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "The file."}},
)
async def download_attachment(attachment_id: UUID, caller: CallerDep, pool: PoolDep) -> Response:
    """One file, always as a download under a type no browser runs."""
    async with pool.acquire() as conn:
        found = await attachments.read_attachment(
            conn=conn, caller=caller, attachment_id=attachment_id
        )
    return Response(
        content=found.content,
        media_type=served_type(found.content_type),
        headers={
            "Content-Disposition": content_disposition(found.filename),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cache-Control": "private, no-store",
        },
    )
