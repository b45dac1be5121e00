"""A ticket's derived facts from every status and ownership change it had, whatever order the
topics delivered them in: the changes are sorted by their own instants, never by arrival."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise
from uuid import UUID

HANDLING_STATUSES = frozenset({"open", "in_progress"})
"""Owned time counts as handling while the ticket is in one of these."""
OWNERSHIP_RANK = {"unassigned": 0, "queued": 1, "assigned": 2}
"""At one instant an unassignment comes before the queueing or assignment that follows it."""


@dataclass(frozen=True)
class StatusChange:
    """The ticket entered `status` at `at` (ticket.created gives the first one)."""

    at: datetime
    version: int
    event_id: UUID
    status: str
    reopened: bool = False
    assignee_id: UUID | None = None


@dataclass(frozen=True)
class OwnershipChange:
    """Assigned to `agent_id`, queued at `queue_position`, or left without an owner."""

    at: datetime
    event_id: UUID
    kind: str
    agent_id: UUID | None = None
    team: str | None = None
    queue_position: int | None = None


@dataclass(frozen=True)
class TicketTimeline:
    """The columns of `tickets` (and the dwell rows) that the changes determine."""

    status: str | None = None
    status_since: datetime | None = None
    dwell_seconds: dict[str, float] = field(default_factory=dict)
    resolved_at: datetime | None = None
    resolved_by: UUID | None = None
    closed_at: datetime | None = None
    reopen_count: int = 0
    handling_seconds: float = 0.0
    owned: bool = False
    """False when no ownership change is known: the ticket facts' assignee stands."""
    assignee_id: UUID | None = None
    first_assigned_at: datetime | None = None
    assigned_at: datetime | None = None
    queued_at: datetime | None = None
    queue_position: int | None = None
    routed_team: str | None = None
    """The team routing last named for it: the ticket's team when its own events name none."""


Interval = tuple[datetime, datetime]


def _status_order(change: StatusChange) -> tuple[datetime, int, str]:
    return change.at, change.version, str(change.event_id)


def _ownership_order(change: OwnershipChange) -> tuple[datetime, int, str]:
    return change.at, OWNERSHIP_RANK[change.kind], str(change.event_id)


def _overlap_seconds(a: Iterable[Interval], b: Sequence[Interval]) -> float:
    total = 0.0
    for a_start, a_end in a:
        for b_start, b_end in b:
            start, end = max(a_start, b_start), min(a_end, b_end)
            if end > start:
                total += (end - start).total_seconds()
    return total


def _spans(instants: list[datetime], horizon: datetime) -> list[Interval]:
    """Each instant up to the next one; the last one up to `horizon`."""
    if not instants:
        return []
    return list(zip(instants, [*instants[1:], horizon], strict=True))


def owner_at(ownership: Sequence[OwnershipChange], at: datetime) -> UUID | None:
    """Who owned the ticket at `at`, from changes sorted by `_ownership_order`."""
    owner = None
    for change in ownership:
        if change.at > at:
            break
        owner = change.agent_id if change.kind == "assigned" else None
    return owner


def derive_timeline(
    statuses: Iterable[StatusChange], ownerships: Iterable[OwnershipChange]
) -> TicketTimeline:
    """Status, dwell per status, resolution, reopens, owner and handling time of one ticket."""
    status_changes = sorted(statuses, key=_status_order)
    ownership = sorted(ownerships, key=_ownership_order)
    instants = [c.at for c in status_changes] + [c.at for c in ownership]
    if not instants:
        return TicketTimeline()
    horizon = max(instants)

    dwell: dict[str, float] = {}
    for change, following in pairwise(status_changes):
        seconds = (following.at - change.at).total_seconds()
        dwell[change.status] = dwell.get(change.status, 0.0) + seconds

    status_spans = _spans([c.at for c in status_changes], horizon)
    handling_spans = [
        span
        for change, span in zip(status_changes, status_spans, strict=True)
        if change.status in HANDLING_STATUSES
    ]
    owned_spans = [
        span
        for change, span in zip(ownership, _spans([c.at for c in ownership], horizon), strict=True)
        if change.kind == "assigned" and change.agent_id is not None
    ]

    resolutions = [c for c in status_changes if c.status == "resolved"]
    last_resolution = resolutions[-1] if resolutions else None
    resolved_by = None
    if last_resolution is not None:
        resolved_by = last_resolution.assignee_id or owner_at(ownership, last_resolution.at)
    closes = [c.at for c in status_changes if c.status == "closed"]
    assignments = [c.at for c in ownership if c.kind == "assigned"]
    current = ownership[-1] if ownership else None
    routed_teams = [c.team for c in ownership if c.team is not None]
    latest_status = status_changes[-1] if status_changes else None
    return TicketTimeline(
        status=latest_status.status if latest_status else None,
        status_since=latest_status.at if latest_status else None,
        dwell_seconds=dwell,
        resolved_at=last_resolution.at if last_resolution else None,
        resolved_by=resolved_by,
        closed_at=closes[-1] if closes else None,
        reopen_count=sum(1 for c in status_changes if c.reopened),
        handling_seconds=_overlap_seconds(handling_spans, owned_spans),
        owned=current is not None,
        assignee_id=current.agent_id if current and current.kind == "assigned" else None,
        first_assigned_at=min(assignments) if assignments else None,
        assigned_at=current.at if current and current.kind == "assigned" else None,
        queued_at=current.at if current and current.kind == "queued" else None,
        queue_position=current.queue_position if current and current.kind == "queued" else None,
        routed_team=routed_teams[-1] if routed_teams else None,
    )
