"""Who a ticket's requester is when they are named by address: the id that address is linked
to, a new stable one the first time; an id and an address given together link them."""

from datetime import datetime
from uuid import uuid4

import asyncpg

from ticketflow_common.problems import FieldError, ProblemError
from ticketflow_intake.domain.tickets import RequesterRef
from ticketflow_intake.store.requesters import link, linked_id

NEW_ID_PREFIX = "req-"


def new_requester_id() -> str:
    """A stable id for a person first known by address only."""
    return NEW_ID_PREFIX + uuid4().hex


async def resolve_requester(
    *,
    conn: asyncpg.Connection,
    ref: RequesterRef,
    now: datetime,
    own_id: str | None = None,
) -> RequesterRef:
    """The requester the ticket stores. An address keeps the id it was first linked to: the
    same address with another id is a 409 naming `requester.email`, never a second person.

    `own_id`: a requester's credential files for itself; its unlinked address is not linked
    (anyone may type any address, and a link would show them that address's mail tickets), so
    staff, admins and mail make links."""
    found = await known_requester(conn=conn, ref=ref, own_id=own_id)
    if found is not None:
        return found
    assert ref.email is not None  # only an unlinked address is not known
    wanted = ref.id or new_requester_id()
    known = await link(conn=conn, email=ref.email, requester_id=wanted, name=ref.name, now=now)
    return _same_requester(ref, known)


async def known_requester(
    *, conn: asyncpg.Connection, ref: RequesterRef, own_id: str | None = None
) -> RequesterRef | None:
    """`resolve_requester` by reading alone; None when the address has no link yet and one
    would be made. Links never change once made, so a read outside a transaction holds."""
    if ref.email is None:
        assert ref.id is not None  # RequesterRef refuses neither
        return ref
    known = await linked_id(conn=conn, email=ref.email)
    if known is None:
        return ref.with_id(own_id) if own_id is not None else None
    return _same_requester(ref, known)


def _same_requester(ref: RequesterRef, known: str) -> RequesterRef:
    """`ref` under the id its address is linked to; 409 when it names another id."""
    if ref.id is not None and known != ref.id:
        reason = "this address belongs to another requester: send no id, or that requester's"
        raise ProblemError(
            409,
            "requester.email is the address of another requester",
            errors=[FieldError(field="requester.email", reason=reason)],
        )
    return ref.with_id(known)
