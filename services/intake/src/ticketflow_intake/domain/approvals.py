"""Approval rounds (pure): who is asked in each round, when the next one is due, who may
decide by a signed link, and how long a decision took."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from ticketflow_common.events import Approver
from ticketflow_intake.domain.catalogue import ApprovalContact, Category, CategorySpec

Round = Literal["request", "reminder", "escalation"]
NEXT_ROUND: dict[Round, Literal["reminder", "escalation"] | None] = {
    "request": "reminder",
    "reminder": "escalation",
    "escalation": None,
}


@dataclass(frozen=True)
class ApprovalTiming:
    """How long after the request the approvers are reminded, and the escalation asked."""

    reminder_after: timedelta
    escalate_after: timedelta

    def check(self) -> str | None:
        """Why this timing cannot work (the reminder must come first); None when it can."""
        if self.escalate_after <= self.reminder_after:
            return "must be later than the reminder"
        return None


DEFAULT_APPROVAL_TIMING = ApprovalTiming(
    reminder_after=timedelta(hours=4), escalate_after=timedelta(hours=24)
)


def timing_for(category: CategorySpec | None, defaults: ApprovalTiming) -> ApprovalTiming:
    """The category's own minutes where it sets them, the service defaults elsewhere."""
    if category is None:
        return defaults
    reminder, escalation = category.approval_reminder_minutes, category.approval_escalation_minutes
    return ApprovalTiming(
        reminder_after=defaults.reminder_after if reminder is None else timedelta(minutes=reminder),
        escalate_after=(
            defaults.escalate_after if escalation is None else timedelta(minutes=escalation)
        ),
    )


def _approvers(contacts: list[ApprovalContact]) -> list[Approver]:
    return [Approver(approver_id=c.approver_id, email=str(c.email), name=c.name) for c in contacts]


def asked_in(round: Round, category: Category | None) -> list[Approver]:
    """The approvers for the request and reminder, the escalation contacts for the escalation;
    each falling back on the other list when its own is empty. Empty: unroutable."""
    if category is None:
        return []
    first, second = category.approvers, category.approval_escalation
    if round == "escalation":
        first, second = second, first
    return _approvers(first or second)


def may_decide(approver_id: str, category: Category | None) -> bool:
    """Whoever the category names now, approver or escalation contact; a link of someone it
    no longer names decides nothing."""
    if category is None:
        return False
    named = category.approvers + category.approval_escalation
    return any(c.approver_id == approver_id for c in named)


@dataclass(frozen=True)
class RoundPlan:
    """What a round leaves the request waiting for: the next round and when it is due."""

    next_round: Literal["reminder", "escalation"] | None
    due_at: datetime | None


def after_round(round: Round, *, requested_at: datetime, timing: ApprovalTiming) -> RoundPlan:
    nxt = NEXT_ROUND[round]
    if nxt == "reminder":
        return RoundPlan(nxt, requested_at + timing.reminder_after)
    if nxt == "escalation":
        return RoundPlan(nxt, requested_at + timing.escalate_after)
    return RoundPlan(None, None)
