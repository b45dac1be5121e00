"""Managing rules: create, read, list, replace, change, delete. Every change bumps the rule
set (each replica's cache reloads) and is audited as `automation.rule`, in its transaction;
every refusal is a 422 naming the field, a name taken a 409 naming `name`."""

from collections.abc import Sequence
from datetime import datetime
from typing import Literal
from uuid import UUID, uuid4

import asyncpg
from pydantic import BaseModel, Field

from ticketflow_automation.commands.audit import audit
from ticketflow_automation.commands.rule_timers import replan_rule_timers
from ticketflow_automation.domain.conditions import condition_errors
from ticketflow_automation.domain.rule_files import Loc, Refusal, field_name
from ticketflow_automation.domain.rules import Rule, RuleDefinition
from ticketflow_automation.domain.templates import template_errors
from ticketflow_automation.store.rule_set import bump_rule_set
from ticketflow_automation.store.rule_timers import drop_rule_timers
from ticketflow_automation.store.rules import (
    RuleRow,
    get_rule,
    insert_rule,
    list_rules,
    live_calendar,
    soft_delete_rule,
    stored_definition,
    update_rule,
)
from ticketflow_common.events.audit import AuditActor
from ticketflow_common.input_model import InputModel
from ticketflow_common.pagination import Page, encode_cursor, page_of, read_cursor
from ticketflow_common.preconditions import EntityTag, WritePrecondition
from ticketflow_common.problems import FieldError, ProblemError, invalid_fields, not_found

ENTITY = "automation.rule"


class RuleView(BaseModel):
    """A stored rule: `definition` is what `PUT` takes back; `version` is the ETag."""

    rule_id: UUID
    version: int
    kind: Literal["event", "time"]
    definition: RuleDefinition
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime


class RulePatch(InputModel):
    """What may change without restating the rule: switch it, reorder it, describe it."""

    enabled: bool | None = None
    position: int | None = Field(default=None, ge=0, le=1_000_000)
    description: str | None = Field(default=None, max_length=2000)


def view_of(row: RuleRow) -> RuleView:
    return RuleView(
        rule_id=row.rule_id,
        version=row.version,
        kind=row.definition.kind,
        definition=row.definition,
        created_by=row.created_by,
        created_at=row.created_at,
        updated_by=row.updated_by,
        updated_at=row.updated_at,
    )


def etag(view: RuleView | RuleRow) -> EntityTag:
    return EntityTag(str(view.version))


def refused(refusals: Sequence[Refusal]) -> ProblemError:
    return invalid_fields([FieldError(field=r.field, reason=r.reason) for r in refusals])


def _named(root: str, loc: Loc, prefix: str) -> str:
    inner = loc[1:] if loc and loc[0] == root else loc
    return field_name((root, *inner), prefix)


async def rule_refusals(
    *, conn: asyncpg.Connection, definition: RuleDefinition, prefix: str = ""
) -> list[Refusal]:
    """What pydantic cannot see: fields and operators the engine does not know, templates
    that do not compile, a calendar sla has not announced."""
    refusals = [
        Refusal(_named("when", tuple(loc), prefix), reason)
        for loc, reason in condition_errors(definition.when)
    ]
    refusals += [
        Refusal(_named("actions", tuple(loc), prefix), reason)
        for loc, reason in template_errors(definition.actions)
    ]
    calendar = definition.after.calendar if definition.after is not None else None
    if calendar is not None and await live_calendar(conn=conn, name=calendar) is None:
        refusals.append(
            Refusal(
                field_name(("after", "calendar"), prefix), f"no SLA calendar named {calendar!r}"
            )
        )
    return refusals


async def check_rule(
    *, conn: asyncpg.Connection, definition: RuleDefinition, prefix: str = ""
) -> None:
    """422 naming every field the engine or sla would refuse."""
    refusals = await rule_refusals(conn=conn, definition=definition, prefix=prefix)
    if refusals:
        raise refused(refusals)


def name_taken(name: str) -> ProblemError:
    return ProblemError(
        409,
        f"a rule named {name!r} exists already",
        errors=[FieldError(field="name", reason="taken by another rule")],
    )


async def create_rule(
    *, conn: asyncpg.Connection, definition: RuleDefinition, actor: AuditActor, now: datetime
) -> RuleView:
    async with conn.transaction():
        await check_rule(conn=conn, definition=definition)
        view = await store_new_rule(conn=conn, definition=definition, actor=actor, now=now)
        await bump_rule_set(conn=conn)
        return view


async def store_new_rule(
    *, conn: asyncpg.Connection, definition: RuleDefinition, actor: AuditActor, now: datetime
) -> RuleView:
    """Insert and audit (the caller bumps the rule set); 409 on a live rule's name."""
    try:
        async with conn.transaction():
            row = await insert_rule(
                conn=conn, rule_id=uuid4(), definition=definition, actor=actor.subject, now=now
            )
    except asyncpg.UniqueViolationError:
        raise name_taken(definition.name) from None
    view = view_of(row)
    await _audit(conn=conn, actor=actor, action="created", before=None, after=view, now=now)
    await replan_rule_timers(conn=conn, rule=_rule(view), now=now)
    return view


async def store_changed_rule(
    *,
    conn: asyncpg.Connection,
    before: RuleRow,
    definition: RuleDefinition,
    actor: AuditActor,
    now: datetime,
) -> RuleView:
    """Update and audit (the caller bumps the rule set); 409 on another live rule's name."""
    try:
        async with conn.transaction():
            row = await update_rule(
                conn=conn,
                rule_id=before.rule_id,
                definition=definition,
                actor=actor.subject,
                now=now,
            )
    except asyncpg.UniqueViolationError:
        raise name_taken(definition.name) from None
    view = view_of(row)
    await _audit(
        conn=conn, actor=actor, action="updated", before=view_of(before), after=view, now=now
    )
    await replan_rule_timers(conn=conn, rule=_rule(view), now=now)
    return view


async def store_deleted_rule(
    *, conn: asyncpg.Connection, before: RuleRow, actor: AuditActor, now: datetime
) -> None:
    await soft_delete_rule(conn=conn, rule_id=before.rule_id, actor=actor.subject, now=now)
    await drop_rule_timers(conn=conn, rule_id=before.rule_id)
    await _audit(
        conn=conn, actor=actor, action="deleted", before=view_of(before), after=None, now=now
    )


def _rule(view: RuleView) -> Rule:
    return Rule(rule_id=view.rule_id, version=view.version, definition=view.definition)


async def _audit(
    *,
    conn: asyncpg.Connection,
    actor: AuditActor,
    action: str,
    before: RuleView | None,
    after: RuleView | None,
    now: datetime,
) -> None:
    subject = after or before
    assert subject is not None
    await audit(
        conn=conn,
        actor=actor,
        entity=ENTITY,
        entity_id=str(subject.rule_id),
        action=action,
        before=None if before is None else before.model_dump(mode="json", by_alias=True),
        after=None if after is None else after.model_dump(mode="json", by_alias=True),
        now=now,
    )


async def read_rule(*, conn: asyncpg.Connection, rule_id: UUID) -> RuleView:
    row = await get_rule(conn=conn, rule_id=rule_id)
    if row is None:
        raise not_found(f"rule {rule_id} not found")
    return view_of(row)


async def find_rules(
    *,
    conn: asyncpg.Connection,
    enabled: bool | None,
    kind: Literal["event", "time"] | None,
    cursor: str | None,
    limit: int,
) -> Page[RuleView]:
    """In evaluation order; the cursor names the last rule of the previous page."""
    after = read_cursor(cursor, kind="automation.rules", parse=lambda p: UUID(str(p["id"])))
    rows = await list_rules(conn=conn, enabled=enabled, kind=kind, after=after, limit=limit + 1)
    return page_of(
        [view_of(r) for r in rows],
        limit=limit,
        cursor=lambda r: encode_cursor("automation.rules", {"id": str(r.rule_id)}),
    )


async def _locked(
    *, conn: asyncpg.Connection, rule_id: UUID, precondition: WritePrecondition
) -> RuleRow:
    row = await get_rule(conn=conn, rule_id=rule_id, lock=True)
    if row is None:
        raise not_found(f"rule {rule_id} not found")
    precondition.check(etag(row), what=f"rule {rule_id}")
    return row


async def replace_rule(
    *,
    conn: asyncpg.Connection,
    rule_id: UUID,
    definition: RuleDefinition,
    precondition: WritePrecondition,
    actor: AuditActor,
    now: datetime,
) -> RuleView:
    """A new version of the whole rule; `If-Match` required (428 without, 412 stale)."""
    async with conn.transaction():
        before = await _locked(conn=conn, rule_id=rule_id, precondition=precondition)
        await check_rule(conn=conn, definition=definition)
        view = await store_changed_rule(
            conn=conn, before=before, definition=definition, actor=actor, now=now
        )
        await bump_rule_set(conn=conn)
        return view


async def change_rule(
    *,
    conn: asyncpg.Connection,
    rule_id: UUID,
    patch: RulePatch,
    precondition: WritePrecondition,
    actor: AuditActor,
    now: datetime,
) -> RuleView:
    """Switch, reorder or describe a rule; a patch changing nothing keeps its version."""
    async with conn.transaction():
        before = await _locked(conn=conn, rule_id=rule_id, precondition=precondition)
        changes = patch.model_dump(exclude_none=True)
        current = stored_definition(before.definition)
        if all(current.get(k) == v for k, v in changes.items()):
            return view_of(before)
        definition = RuleDefinition.model_validate({**current, **changes})
        view = await store_changed_rule(
            conn=conn, before=before, definition=definition, actor=actor, now=now
        )
        await bump_rule_set(conn=conn)
        return view


async def delete_rule(
    *,
    conn: asyncpg.Connection,
    rule_id: UUID,
    precondition: WritePrecondition,
    actor: AuditActor,
    now: datetime,
) -> None:
    """Soft: firings keep naming it, its name is free again; 404 once deleted."""
    async with conn.transaction():
        before = await _locked(conn=conn, rule_id=rule_id, precondition=precondition)
        await store_deleted_rule(conn=conn, before=before, actor=actor, now=now)
        await bump_rule_set(conn=conn)
