"""Replies, internal notes and the requester's satisfaction rating."""

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from ticketflow_common.events.common import ActorRole, Channel
from ticketflow_common.input_model import InputModel


class NewComment(InputModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"body": "Could you send the VPN log?", "public": True}]},
    )

    body: str = Field(min_length=1, max_length=20_000)
    public: bool = Field(default=True, description="False makes an internal note (agents only).")


class Comment(BaseModel):
    id: UUID
    ticket_id: UUID
    author_id: str
    author_role: ActorRole
    public: bool
    body: str
    created_at: datetime
    solution: bool = Field(default=False, description="This reply is the ticket's marked solution.")
    channel: Channel = Field(default="api", description="How it came: `email` for a mail reply.")
    origin_message_id: str | None = Field(
        default=None, description="The Message-ID of the mail the comment came in."
    )


class NewFeedback(InputModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"rating": 5, "comment": "Fast, thanks"}]}
    )

    rating: int = Field(ge=1, le=5)
    comment: str | None = Field(default=None, max_length=2000)


class Feedback(NewFeedback):
    ticket_id: UUID
    cycle: int = Field(default=1, description="The resolution it rates: 2 after one reopen.")
    created_at: datetime
