"""Rules' and macros' `notify` and `call_webhook` actions: whom a target names, what they read,
and how a target nobody can be found for is reported instead of failing the event."""

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from ticketflow_common.events import ActionsRequested, MacroApplied, RuleFired
from ticketflow_common.events.automation import Notify
from ticketflow_notify.domain.templates import MAX_SUBJECT_CHARS, RenderedMessage
from ticketflow_notify.domain.tickets import TicketProjection

_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")
TEAM_PREFIX = "team:"


@dataclass(frozen=True)
class People:
    """What notify knows of the people around one ticket (from its projections)."""

    ticket: TicketProjection | None
    owner_email: str | None = None
    team_lead_email: str | None = None
    team_members: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Resolved:
    """A target's addresses, or why it reaches nobody (then `addresses` is empty)."""

    addresses: list[str]
    unresolved: str | None = None


def named_teams(actions: Sequence[object]) -> list[str]:
    """The teams whose members `team:<key>` targets ask for, once each."""
    teams = [
        a.target.removeprefix(TEAM_PREFIX)
        for a in actions
        if isinstance(a, Notify) and a.target.startswith(TEAM_PREFIX)
    ]
    return list(dict.fromkeys(teams))


def _valid(addresses: Sequence[str | None]) -> list[str]:
    found = (a.strip().lower() for a in addresses if a)
    return list(dict.fromkeys(a for a in found if _EMAIL.match(a)))


def resolve_target(target: str, people: People) -> Resolved:
    """The addresses `target` stands for: owner, team_lead, requester, watchers, a team's
    agents (`team:<key>`) or one address."""
    ticket = people.ticket
    if target.startswith(TEAM_PREFIX):
        team = target.removeprefix(TEAM_PREFIX)
        found = _valid(people.team_members.get(team, []))
        return Resolved(found, None if found else f"no agent of team {team} with an address")
    if "@" in target:
        found = _valid([target])
        return Resolved(found, None if found else f"{target} is not a deliverable address")
    if ticket is None:
        return Resolved([], f"{target}: the ticket is not known to notify")
    candidates: dict[str, tuple[list[str | None], str]] = {
        "owner": ([people.owner_email], "the ticket has no owner with an address"),
        "team_lead": ([people.team_lead_email], "the ticket's team has no lead with an address"),
        "requester": ([ticket.requester_email], "the requester has no address"),
        "watchers": (list(ticket.watchers), "the ticket has no watchers"),
    }
    addresses, why = candidates[target]
    found = _valid(addresses)
    return Resolved(found, None if found else f"{target}: {why}")


def source_name(event: ActionsRequested) -> str:
    """The rule's or macro's name, as the people told read it."""
    if isinstance(event, RuleFired):
        return event.rule_name
    if isinstance(event, MacroApplied):
        return event.macro_name
    return "automation"


def notify_message(
    action: Notify, *, event: ActionsRequested, ticket: TicketProjection | None
) -> RenderedMessage:
    """The action's rendered text; without a subject, the rule's name and the ticket's."""
    subject = action.subject
    if subject is None:
        name = source_name(event)
        subject = f"{name}: {ticket.subject}" if ticket and ticket.subject else name
    return RenderedMessage(subject=subject[:MAX_SUBJECT_CHARS], body=action.message)


def failure_id(event_id: uuid.UUID, index: int, target: str) -> uuid.UUID:
    """The id a `notification.failed` for an unresolved target names: the same on every
    redelivery, as a delivery's would be."""
    return uuid.uuid5(event_id, f"actions[{index}]:{target}")
