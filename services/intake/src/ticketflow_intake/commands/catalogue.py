"""The service catalogue: listing, creating or changing, and retiring categories."""

from datetime import datetime

import asyncpg

from ticketflow_common.events.audit import AuditActor
from ticketflow_common.in_use import refuse_if_used
from ticketflow_common.pagination import Page, encode_cursor, page_of, read_cursor
from ticketflow_common.problems import invalid_field, not_found
from ticketflow_intake.commands.audit import audit
from ticketflow_intake.domain.access import Principal
from ticketflow_intake.domain.approvals import DEFAULT_APPROVAL_TIMING, ApprovalTiming, timing_for
from ticketflow_intake.domain.catalogue import Category, CategorySpec, without_contacts
from ticketflow_intake.domain.lifecycle import DONE_STATUSES
from ticketflow_intake.store import categories

CATEGORY = "intake.category"


async def list_categories(
    *,
    conn: asyncpg.Connection,
    cursor: str | None,
    limit: int,
    principal: Principal | None = None,
) -> Page[Category]:
    """The live catalogue clients pick a category from, by key; requesters do not see who
    approves (names and addresses are staff's)."""
    after = read_cursor(cursor, kind="intake.categories", parse=lambda p: str(p["key"]))
    found = await categories.list_categories(conn=conn, limit=limit + 1, after=after)
    if principal is not None and principal.sees_only_own:
        found = [without_contacts(c) for c in found]
    return page_of(
        found, limit=limit, cursor=lambda c: encode_cursor("intake.categories", {"key": c.key})
    )


async def put_category(
    *,
    conn: asyncpg.Connection,
    key: str,
    spec: CategorySpec,
    actor: AuditActor,
    now: datetime,
    approval_defaults: ApprovalTiming = DEFAULT_APPROVAL_TIMING,
) -> Category:
    """Create or change the category; an archived one comes back. 422 when its escalation
    would not come after its reminder (the service defaults filling what it leaves out)."""
    timing = timing_for(spec, approval_defaults)
    fault = timing.check()
    if fault is not None:
        raise invalid_field(
            "approval_escalation_minutes",
            f"{fault} ({timing.reminder_after} after the request), not {timing.escalate_after}",
        )
    async with conn.transaction():
        before = await categories.lock_live_category(conn=conn, key=key)
        saved = await categories.upsert_category(conn=conn, key=key, spec=spec)
        await audit(
            conn=conn,
            actor=actor,
            entity=CATEGORY,
            entity_id=key,
            action="created" if before is None else "updated",
            before=before,
            after=saved,
            now=now,
        )
        return saved


async def retire_category(
    *, conn: asyncpg.Connection, key: str, actor: AuditActor, now: datetime
) -> None:
    """Archive the category unless tickets still being worked name it (409 naming them);
    404 when there is no live category of that key."""
    async with conn.transaction():
        before = await categories.lock_live_category(conn=conn, key=key)
        if before is None:
            raise not_found(f"no category {key!r}")
        usages = await categories.category_usages(
            conn=conn, key=key, done_statuses=list(DONE_STATUSES)
        )
        refuse_if_used(f"category {key!r}", usages)
        await categories.archive_category(conn=conn, key=key, now=now)
        await audit(
            conn=conn,
            actor=actor,
            entity=CATEGORY,
            entity_id=key,
            action="archived",
            before=before,
            after=None,
            now=now,
        )
