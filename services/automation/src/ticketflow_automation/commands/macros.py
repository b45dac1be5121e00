"""Macros: leads keep them (each change audited as `automation.macro`); agents list the ones
offered to their teams, preview one on a ticket (writes nothing) and apply it: one
`macro_applications` row and one `macro.applied`, which the owning services carry out."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import get_args
from uuid import UUID

import asyncpg
from pydantic import TypeAdapter, ValidationError

from ticketflow_automation.commands.audit import audit
from ticketflow_automation.domain.action_effects import apply_actions
from ticketflow_automation.domain.macros import (
    ALL_MACROS_ROLES,
    Macro,
    MacroApplication,
    MacroDefinition,
    MacroPreview,
)
from ticketflow_automation.domain.templates import render_actions, template_errors
from ticketflow_automation.domain.ticket_state import TicketState
from ticketflow_automation.store import macros as store
from ticketflow_automation.store.tickets import load_ticket
from ticketflow_common.events.audit import AuditActor
from ticketflow_common.events.automation import Action, ActionType, MacroApplied
from ticketflow_common.events.common import AutomationCause
from ticketflow_common.identity import Principal
from ticketflow_common.outbox import emit
from ticketflow_common.pagination import Page, encode_cursor, page_of, read_cursor
from ticketflow_common.preconditions import EntityTag, WritePrecondition
from ticketflow_common.problems import FieldError, ProblemError, invalid_field, invalid_fields

ENTITY = "automation.macro"
KEY_HEADER = "header:Idempotency-Key"
_ACTIONS: TypeAdapter[list[Action]] = TypeAdapter(list[Action])


def etag(macro: Macro) -> EntityTag:
    return EntityTag(str(macro.version))


def _loc(loc: Sequence[str | int]) -> str:
    parts = list(loc) if loc and loc[0] == "actions" else ["actions", *loc]
    return ".".join(str(p) for p in parts)


def check_templates(definition: MacroDefinition) -> None:
    """422 naming every template that does not parse (`actions.0.body`)."""
    errors = template_errors(definition.actions)
    if errors:
        raise invalid_fields([FieldError(field=_loc(loc), reason=why) for loc, why in errors])


async def create_macro(
    *, conn: asyncpg.Connection, definition: MacroDefinition, actor: AuditActor, now: datetime
) -> Macro:
    check_templates(definition)
    async with conn.transaction():
        try:
            macro = await store.insert_macro(
                conn=conn,
                macro_id=uuid.uuid4(),
                definition=definition,
                actor=actor.subject,
                now=now,
            )
        except store.NameTaken:
            raise _name_taken(definition.name) from None
        await _audit(conn=conn, actor=actor, before=None, after=macro, action="created", now=now)
        return macro


async def find_macros(
    *, conn: asyncpg.Connection, principal: Principal, cursor: str | None, limit: int
) -> Page[Macro]:
    """A page of the macros offered to the caller, by id."""
    after = read_cursor(cursor, kind="automation.macros", parse=lambda p: UUID(str(p["id"])))
    teams = None if principal.role in ALL_MACROS_ROLES else sorted(map(str, principal.teams))
    found = await store.list_macros(conn=conn, teams=teams, after=after, limit=limit + 1)
    return page_of(
        found,
        limit=limit,
        cursor=lambda m: encode_cursor("automation.macros", {"id": str(m.macro_id)}),
    )


async def read_macro(
    *, conn: asyncpg.Connection, macro_id: UUID, principal: Principal, lock: bool = False
) -> Macro:
    """404 for a macro that is gone, or that is not offered to the caller."""
    macro = await store.get_macro(conn=conn, macro_id=macro_id, lock=lock)
    if macro is None or not macro.definition.offered_to(principal):
        raise ProblemError(404, f"macro {macro_id} not found")
    return macro


async def replace_macro(
    *,
    conn: asyncpg.Connection,
    macro_id: UUID,
    definition: MacroDefinition,
    precondition: WritePrecondition,
    actor: AuditActor,
    now: datetime,
) -> Macro:
    check_templates(definition)
    async with conn.transaction():
        before = await _locked(conn=conn, macro_id=macro_id, precondition=precondition)
        try:
            macro = await store.replace_macro(
                conn=conn, macro_id=macro_id, definition=definition, actor=actor.subject, now=now
            )
        except store.NameTaken:
            raise _name_taken(definition.name) from None
        await _audit(conn=conn, actor=actor, before=before, after=macro, action="updated", now=now)
        return macro


async def delete_macro(
    *,
    conn: asyncpg.Connection,
    macro_id: UUID,
    precondition: WritePrecondition,
    actor: AuditActor,
    now: datetime,
) -> None:
    """Soft: the macro's applications keep naming it."""
    async with conn.transaction():
        before = await _locked(conn=conn, macro_id=macro_id, precondition=precondition)
        await store.delete_macro(conn=conn, macro_id=macro_id, actor=actor.subject, now=now)
        await _audit(conn=conn, actor=actor, before=before, after=None, action="deleted", now=now)


async def preview_macro(
    *, conn: asyncpg.Connection, ticket_id: UUID, macro_id: UUID, principal: Principal
) -> MacroPreview:
    """What applying the macro now would ask for and do to the ticket; writes nothing."""
    macro, state = await _macro_and_ticket(
        conn=conn, ticket_id=ticket_id, macro_id=macro_id, principal=principal
    )
    actions = rendered(macro, state)
    after, changes = apply_actions(state, actions)
    return MacroPreview(
        ticket_id=ticket_id,
        macro_id=macro_id,
        macro_version=macro.version,
        before=state,
        after=after,
        changes=changes,
        actions=actions,
    )


async def apply_macro(
    *,
    conn: asyncpg.Connection,
    ticket_id: UUID,
    macro_id: UUID,
    principal: Principal,
    idempotency_key: str | None,
    now: datetime,
) -> MacroApplication:
    """Record the application and announce `macro.applied` once per caller and key: the same
    key again answers the first application (422 if it was for another ticket or macro)."""
    async with conn.transaction():
        if idempotency_key is not None:
            earlier = await store.application_by_key(
                conn=conn, actor_id=principal.subject, key=idempotency_key
            )
            if earlier is not None:
                return _same_request(earlier, ticket_id=ticket_id, macro_id=macro_id)
        macro, state = await _macro_and_ticket(
            conn=conn, ticket_id=ticket_id, macro_id=macro_id, principal=principal
        )
        application = MacroApplication(
            application_id=uuid.uuid4(),
            macro_id=macro_id,
            macro_version=macro.version,
            ticket_id=ticket_id,
            actor_id=principal.subject,
            idempotency_key=idempotency_key,
            actions=rendered(macro, state),
            applied_at=now,
        )
        if not await store.insert_application(conn=conn, application=application):
            assert idempotency_key is not None  # only a key can collide
            earlier = await store.application_by_key(
                conn=conn, actor_id=principal.subject, key=idempotency_key
            )
            assert earlier is not None
            return _same_request(earlier, ticket_id=ticket_id, macro_id=macro_id)
        await emit(conn, applied_event(application, macro), subject=str(ticket_id), now=now)
        return application


def applied_event(application: MacroApplication, macro: Macro) -> MacroApplied:
    return MacroApplied(
        ticket_id=application.ticket_id,
        firing_id=application.application_id,
        actions=application.actions,
        caused_by=AutomationCause(
            kind="macro",
            firing_id=application.application_id,
            macro_id=application.macro_id,
            depth=1,
        ),
        macro_id=application.macro_id,
        macro_name=macro.definition.name,
        actor_id=application.actor_id,
        applied_at=application.applied_at,
    )


def rendered(macro: Macro, state: TicketState) -> list[Action]:
    """The macro's actions for this ticket, its templates turned to text, checked as the
    event carries them (422 naming the action should a rendered text not fit)."""
    actions = render_actions(macro.definition.actions, state=state, rule_name=macro.definition.name)
    try:
        return _ACTIONS.validate_python([a.model_dump() for a in actions])
    except ValidationError as exc:
        errors = [
            FieldError(field=_loc([p for p in e["loc"] if p not in _UNION_TAGS]), reason=e["msg"])
            for e in exc.errors()
        ]
        raise invalid_fields(errors) from None


_UNION_TAGS = frozenset(get_args(ActionType))


async def _macro_and_ticket(
    *, conn: asyncpg.Connection, ticket_id: UUID, macro_id: UUID, principal: Principal
) -> tuple[Macro, TicketState]:
    state = await load_ticket(conn=conn, ticket_id=ticket_id)
    if state is None:
        raise ProblemError(404, f"ticket {ticket_id} not found (automation has not seen it)")
    return await read_macro(conn=conn, macro_id=macro_id, principal=principal), state


def _same_request(
    earlier: MacroApplication, *, ticket_id: UUID, macro_id: UUID
) -> MacroApplication:
    if (earlier.ticket_id, earlier.macro_id) != (ticket_id, macro_id):
        raise invalid_field(
            KEY_HEADER,
            f"was used for macro {earlier.macro_id} on ticket {earlier.ticket_id}; use a new key",
        )
    return earlier


async def _locked(
    *, conn: asyncpg.Connection, macro_id: UUID, precondition: WritePrecondition
) -> Macro:
    macro = await store.get_macro(conn=conn, macro_id=macro_id, lock=True)
    if macro is None:
        raise ProblemError(404, f"macro {macro_id} not found")
    precondition.check(etag(macro), what=f"macro {macro_id}")
    return macro


def _name_taken(name: str) -> ProblemError:
    return ProblemError(
        409,
        f"a macro named {name!r} exists already",
        errors=[FieldError(field="name", reason="is taken by another macro")],
    )


async def _audit(
    *,
    conn: asyncpg.Connection,
    actor: AuditActor,
    before: Macro | None,
    after: Macro | None,
    action: str,
    now: datetime,
) -> None:
    subject = after or before
    assert subject is not None
    await audit(
        conn=conn,
        actor=actor,
        entity=ENTITY,
        entity_id=str(subject.macro_id),
        action=action,
        before=before,
        after=after,
        now=now,
    )
