"""The service catalogue: categories and what they imply for a ticket."""

from datetime import datetime
from decimal import Decimal

from pydantic import ConfigDict, Field

from ticketflow_common.events.common import Priority, SkillTag
from ticketflow_common.input_model import InputModel
from ticketflow_intake.domain.priority import derive_priority
from ticketflow_intake.domain.tickets import Amount, NewTicket

DEFAULT_APPROVAL_THRESHOLD = Decimal("5000")


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


class Category(CategorySpec):
    key: str
    created_at: datetime
    updated_at: datetime


def choose_priority(new: NewTicket, category: Category | None) -> Priority:
    """Given, else impact x urgency, else the category's default, else normal."""
    if new.priority is not None:
        return new.priority
    if new.impact is not None and new.urgency is not None:
        return derive_priority(new.impact, new.urgency)
    return category.default_priority if category else "normal"
