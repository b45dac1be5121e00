"""What one of automation's actions asks of a ticket as it is now (pure): nothing, because the
ticket is already as asked, or the request one of intake's own change commands takes, so that
an action is carried out by exactly the rules a person's change is."""

from dataclasses import dataclass

from pydantic import ValidationError

from ticketflow_common.events.automation import (
    Action,
    ActionOutcome,
    AddNote,
    AddReply,
    AddTags,
    Escalate,
    RemoveTags,
    SetCategory,
    SetCustomFields,
    SetPriority,
    SetStatus,
    SetTeam,
)
from ticketflow_intake.domain.conversation import NewComment
from ticketflow_intake.domain.tickets import (
    Escalation,
    FieldValue,
    StatusChange,
    Ticket,
    TicketPatch,
    Transfer,
)

REASON_LENGTH = 500
"""What intake keeps of a reason (`Transfer.reason`, `StatusChange.reason`)."""


@dataclass(frozen=True)
class AlreadySo:
    """The ticket is already as the action asks: nothing changes, no event is emitted."""

    detail: str


@dataclass(frozen=True)
class NotPossible:
    """The action cannot be made a valid change (e.g. a 21st tag): refused as it is."""

    detail: str


Request = TicketPatch | StatusChange | Transfer | Escalation | NewComment
Step = Request | AlreadySo | NotPossible


def _same(a: FieldValue, b: FieldValue) -> bool:
    """Equal and of one type: `True` is not `1` in a custom field."""
    return type(a) is type(b) and a == b


def _custom_fields(ticket: Ticket, action: SetCustomFields) -> Step:
    """PATCH semantics: the named fields are set (null clears one), the others stay."""
    merged = dict(ticket.custom_fields)
    for name, value in action.fields.items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = value
    unchanged = merged.keys() == ticket.custom_fields.keys() and all(
        _same(merged[k], ticket.custom_fields[k]) for k in merged
    )
    if unchanged:
        return AlreadySo("custom fields already so")
    return TicketPatch(custom_fields=merged)


def _step(ticket: Ticket, action: Action, by: str) -> Step:
    reason = by[:REASON_LENGTH]
    match action:
        case SetPriority(priority=priority):
            if ticket.priority == priority:
                return AlreadySo(f"already {priority}")
            return TicketPatch(priority=priority)
        case SetCategory(category=category):
            if ticket.category == category:
                return AlreadySo(f"already in category {category}")
            return TicketPatch(category=category)
        case AddTags(tags=tags):
            new = [t for t in dict.fromkeys(tags) if t not in ticket.tags]
            if not new:
                return AlreadySo("already tagged " + ", ".join(tags))
            return TicketPatch(tags=[*ticket.tags, *new])
        case RemoveTags(tags=tags):
            kept = [t for t in ticket.tags if t not in tags]
            if len(kept) == len(ticket.tags):
                return AlreadySo("not tagged " + ", ".join(tags))
            return TicketPatch(tags=kept)
        case SetCustomFields():
            return _custom_fields(ticket, action)
        case SetTeam(team=team):
            if ticket.team == team:
                return AlreadySo(f"already with team {team}")
            return Transfer(team=team, reason=reason)
        case SetStatus(status=status, reason=why):
            if ticket.status == status:
                return AlreadySo(f"already {status}")
            return StatusChange(status=status, reason=why or reason)
        case AddNote(body=body):
            return NewComment(body=body, public=False)
        case AddReply(body=body):
            return NewComment(body=body, public=True)
        case Escalate(reason=why):
            return Escalation(reason=why)
    return NotPossible(f"{action.type} is not intake's to carry out")


def step_for(ticket: Ticket, action: Action, *, by: str) -> Step:
    """The change `action` asks of `ticket`; `by` names who asks ("rule 紧急打印机"), as the
    reason a transfer or status change records when the action gives none."""
    try:
        return _step(ticket, action, by)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        return NotPossible(f"{field}: {first['msg']}" if field else str(first["msg"]))


def outcome(action: Action, step: AlreadySo | NotPossible) -> ActionOutcome:
    """What the timeline says of an action that changed nothing."""
    if isinstance(step, AlreadySo):
        return ActionOutcome(type=action.type, applied=False, detail=step.detail)
    return refused(action, step.detail)


def refused(action: Action, reason: str) -> ActionOutcome:
    return ActionOutcome(type=action.type, applied=False, detail=f"refused: {reason}")


def applied(action: Action) -> ActionOutcome:
    return ActionOutcome(type=action.type, applied=True)
