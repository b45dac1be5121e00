"""What actions would do to a ticket, without doing it: a macro's preview and a rule's dry run
show the ticket after them and one line per change, as people read it ("priority: normal →
urgent", "tags + 打印机"). A change the owning service would refuse is a line saying so.

The services that own the data carry the actions out (intake, routing, notify); this module
only foresees them, in order, each seeing the ticket as the ones before it left it."""

from collections.abc import Callable, Sequence
from typing import Any

from ticketflow_automation.domain.ticket_state import TicketState
from ticketflow_common import ticket_lifecycle
from ticketflow_common.events.automation import (
    INTAKE_ACTIONS,
    Action,
    AddNote,
    AddReply,
    AddTags,
    Assign,
    CallWebhook,
    Escalate,
    Notify,
    RemoveTags,
    SetCategory,
    SetCustomFields,
    SetPriority,
    SetStatus,
    SetTeam,
    Unassign,
)

_EXCERPT = 80

Effect = tuple[TicketState, list[str]]


def allowed_next(status: str) -> tuple[str, ...]:
    """Statuses an action may move a ticket in `status` to: intake's plain status changes
    (approval and reopen have their own routes and are not an action's to make)."""
    if status not in ticket_lifecycle.TRANSITIONS:
        return ()
    return tuple(ticket_lifecycle.allowed_next(status))


def apply_actions(state: TicketState, actions: Sequence[Action]) -> tuple[TicketState, list[str]]:
    """The ticket after `actions` and what changed; an action finding the ticket already as
    asked changes nothing and says nothing, as its owner would."""
    changes: list[str] = []
    for action in actions:
        if state.status == "closed" and action.type in INTAKE_ACTIONS:
            changes.append(f"{_subject(action)}: would not happen: a closed ticket is final")
            continue
        state, lines = _EFFECTS[action.type](state, action)
        changes.extend(lines)
    return state, changes


def excerpt(text: str) -> str:
    """The start of a note or message, on one line: enough to recognise it in a list."""
    flat = " ".join(text.split())
    return flat if len(flat) <= _EXCERPT else flat[: _EXCERPT - 1] + "…"


def _show(value: object) -> str:
    return "none" if value is None else str(value)


def _with(state: TicketState, **fields: Any) -> TicketState:
    return state.model_copy(update=fields)


def _set_field(state: TicketState, name: str, value: object) -> Effect:
    before = getattr(state, name)
    if before == value:
        return state, []
    return _with(state, **{name: value}), [f"{name}: {_show(before)} → {_show(value)}"]


def _priority(state: TicketState, action: Any) -> Effect:
    assert isinstance(action, SetPriority)
    return _set_field(state, "priority", action.priority)


def _category(state: TicketState, action: Any) -> Effect:
    assert isinstance(action, SetCategory)
    return _set_field(state, "category", action.category)


def _team(state: TicketState, action: Any) -> Effect:
    assert isinstance(action, SetTeam)
    return _set_field(state, "team", action.team)


def _add_tags(state: TicketState, action: Any) -> Effect:
    assert isinstance(action, AddTags)
    tags = list(state.tags)
    added = []
    for tag in action.tags:
        if tag not in tags:
            tags.append(tag)
            added.append(tag)
    return (_with(state, tags=tags), [f"tags + {t}" for t in added]) if added else (state, [])


def _remove_tags(state: TicketState, action: Any) -> Effect:
    assert isinstance(action, RemoveTags)
    removed = [t for t in dict.fromkeys(action.tags) if t in state.tags]
    if not removed:
        return state, []
    tags = [t for t in state.tags if t not in removed]
    return _with(state, tags=tags), [f"tags - {t}" for t in removed]


def _custom_fields(state: TicketState, action: Any) -> Effect:
    assert isinstance(action, SetCustomFields)
    fields = dict(state.custom_fields)
    lines = []
    for name, value in action.fields.items():
        before = fields.get(name)
        if value is None:
            if name in fields:
                del fields[name]
                lines.append(f"custom_fields.{name}: {_show(before)} → cleared")
        elif name not in fields or before != value or type(before) is not type(value):
            fields[name] = value
            lines.append(f"custom_fields.{name}: {_show(before)} → {value}")
    return (_with(state, custom_fields=fields), lines) if lines else (state, [])


def _status(state: TicketState, action: Any) -> Effect:
    assert isinstance(action, SetStatus)
    if action.status == state.status:
        return state, []
    move = f"status: {state.status} → {action.status}"
    if action.status not in allowed_next(state.status):
        allowed = ", ".join(allowed_next(state.status)) or "none"
        return state, [
            f"{move} would not happen: a ticket in status {state.status!r} cannot move to"
            f" {action.status!r} (allowed: {allowed})"
        ]
    reason = f" ({action.reason})" if action.reason else ""
    return _with(state, status=action.status), [move + reason]


def _escalate(state: TicketState, action: Any) -> Effect:
    assert isinstance(action, Escalate)
    level = state.escalation_level + 1
    line = f"escalation_level: {state.escalation_level} → {level} ({action.reason})"
    return _with(state, escalation_level=level), [line]


def _assign(state: TicketState, action: Any) -> Effect:
    assert isinstance(action, Assign)
    if action.agent_id is None:
        return state, [f"assignee: {_show(state.assignee_id)} → the best other eligible agent"]
    if action.agent_id == state.assignee_id:
        return state, []
    line = f"assignee: {_show(state.assignee_id)} → {action.agent_id}"
    return _with(state, assignee_id=action.agent_id), [line]


def _unassign(state: TicketState, action: Any) -> Effect:
    assert isinstance(action, Unassign)
    if state.assignee_id is None:
        return state, []
    line = f"assignee: {state.assignee_id} → none (back to the team's queue)"
    return _with(state, assignee_id=None), [line]


def _note(state: TicketState, action: Any) -> Effect:
    assert isinstance(action, AddNote)
    return state, [f"internal note: {excerpt(action.body)}"]


def _reply(state: TicketState, action: Any) -> Effect:
    assert isinstance(action, AddReply)
    return state, [f"public reply: {excerpt(action.body)}"]


def _notify(state: TicketState, action: Any) -> Effect:
    assert isinstance(action, Notify)
    return state, [f"notify {action.target}: {excerpt(action.subject or action.message)}"]


def _webhook(state: TicketState, action: Any) -> Effect:
    assert isinstance(action, CallWebhook)
    return state, [f"webhook: call endpoint {action.endpoint_id}"]


def _subject(action: Action) -> str:
    """What an action changes, as its change line names it."""
    return {
        "set_priority": "priority",
        "set_category": "category",
        "set_team": "team",
        "add_tags": "tags",
        "remove_tags": "tags",
        "set_custom_fields": "custom_fields",
        "set_status": "status",
        "add_note": "internal note",
        "add_reply": "public reply",
        "escalate": "escalation_level",
    }.get(action.type, action.type)


_EFFECTS: dict[str, Callable[[TicketState, Any], Effect]] = {
    "set_priority": _priority,
    "set_category": _category,
    "set_team": _team,
    "add_tags": _add_tags,
    "remove_tags": _remove_tags,
    "set_custom_fields": _custom_fields,
    "set_status": _status,
    "escalate": _escalate,
    "assign": _assign,
    "unassign": _unassign,
    "add_note": _note,
    "add_reply": _reply,
    "notify": _notify,
    "call_webhook": _webhook,
}
