"""The service catalogue: categories and what they imply for a ticket."""

from datetime import datetime
from decimal import Decimal

from pydantic import ConfigDict, EmailStr, Field, field_validator

from ticketflow_common.events.common import Priority, SkillTag
from ticketflow_common.input_model import InputModel
from ticketflow_intake.domain.priority import derive_priority
from ticketflow_intake.domain.tickets import Amount, NewTicket

DEFAULT_APPROVAL_THRESHOLD = Decimal("5000")
MAX_APPROVAL_MINUTES = 60 * 24 * 60


class ApprovalContact(InputModel):
    """Someone mailed to approve a category's tickets (or, as an escalation contact, when
    nobody did in time); their `approver_id` is who a signed link decides as."""

    approver_id: str = Field(min_length=1, max_length=128, pattern=r"^\S+$")
    email: EmailStr
    name: str | None = Field(default=None, max_length=200)


def _distinct(contacts: list[ApprovalContact]) -> list[ApprovalContact]:
    seen: set[str] = set()
    for contact in contacts:
        if contact.approver_id in seen:
            raise ValueError(f"approver_id {contact.approver_id!r} is listed twice")
        seen.add(contact.approver_id)
    return contacts


class CategorySpec(InputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "Network and VPN",
                    "default_priority": "high",
                    "required_skills": ["network"],
                    "team": "network",
                    "approval_threshold": "5000",
                }
            ]
        },
    )

    name: str = Field(min_length=1, max_length=200)
    default_priority: Priority = "normal"
    required_skills: list[SkillTag] = Field(default_factory=list, max_length=20)
    team: str | None = Field(default=None, max_length=100)
    approval_threshold: Amount | None = Field(
        default=DEFAULT_APPROVAL_THRESHOLD,
        description="Amounts at or above it need approval first; null means never.",
    )
    approvers: list[ApprovalContact] = Field(
        default_factory=list,
        max_length=20,
        description="Mailed each approval request and its reminder, with approve/reject links.",
    )
    approval_escalation: list[ApprovalContact] = Field(
        default_factory=list,
        max_length=20,
        description="Mailed when nobody decided by the escalation time (and the request itself"
        " when the category names no approvers).",
    )
    approval_reminder_minutes: int | None = Field(
        default=None,
        ge=1,
        le=MAX_APPROVAL_MINUTES,
        description="Remind the approvers this long after the request; null: the service default.",
    )
    approval_escalation_minutes: int | None = Field(
        default=None,
        ge=1,
        le=MAX_APPROVAL_MINUTES,
        description="Escalate this long after the request (after the reminder); null: the"
        " service default.",
    )

    _distinct_approvers = field_validator("approvers", "approval_escalation")(_distinct)


class Category(CategorySpec):
    key: str
    created_at: datetime
    updated_at: datetime


def without_contacts(category: Category) -> Category:
    """The category as a requester sees it: no approvers or escalation contacts."""
    return category.model_copy(update={"approvers": [], "approval_escalation": []})


def choose_priority(new: NewTicket, category: Category | None) -> Priority:
    """Given, else impact x urgency, else the category's default, else normal."""
    if new.priority is not None:
        return new.priority
    if new.impact is not None and new.urgency is not None:
        return derive_priority(new.impact, new.urgency)
    return category.default_priority if category else "normal"
