"""Reading a ticket's attachments under the ticket's access rules: another requester's ticket
or file is a 404, as if it did not exist."""

from uuid import UUID

import asyncpg

from ticketflow_common.access_tokens import Caller
from ticketflow_common.problems import ProblemError
from ticketflow_mail.domain.access import sees_ticket
from ticketflow_mail.domain.attachments import AttachmentView
from ticketflow_mail.store.attachments import (
    AttachmentFile,
    AttachmentRow,
    attachment,
    attachment_file,
    attachments_of,
    requester_of,
)


def _view(row: AttachmentRow) -> AttachmentView:
    return AttachmentView(
        id=row.attachment_id,
        filename=row.filename,
        content_type=row.content_type,
        size=row.size,
        created_at=row.created_at,
    )


async def _may_see(conn: asyncpg.Connection, caller: Caller, ticket_id: UUID | None) -> bool:
    """Staff see every ticket's files, a requester only those of a ticket known to be theirs."""
    if caller.is_staff:
        return True
    if ticket_id is None:
        return False
    requester = await requester_of(conn=conn, ticket_id=ticket_id)
    return requester is not None and sees_ticket(caller, requester_id=requester)


async def list_attachments(
    *, conn: asyncpg.Connection, caller: Caller, ticket_id: UUID
) -> list[AttachmentView]:
    """A ticket's files, oldest first; 404 for a requester's call about a ticket not theirs."""
    if not await _may_see(conn, caller, ticket_id):
        raise ProblemError(404, "no such ticket")
    return [_view(row) for row in await attachments_of(conn=conn, ticket_id=ticket_id)]


async def read_attachment(
    *, conn: asyncpg.Connection, caller: Caller, attachment_id: UUID
) -> AttachmentFile:
    """One file's bytes; 404 when there is none or it is on a ticket the caller may not see."""
    row = await attachment(conn=conn, attachment_id=attachment_id)
    if row is None or not await _may_see(conn, caller, row.ticket_id):
        raise ProblemError(404, "no such attachment")
    return await attachment_file(conn=conn, attachment_id=attachment_id)
