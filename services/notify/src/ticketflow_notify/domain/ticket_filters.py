"""Filters on the ticket an event is about, shared by subscriptions and the one an endpoint
is created with."""

from typing import Annotated

from pydantic import Field, StringConstraints

from ticketflow_common.input_model import InputModel

Name = Annotated[str, StringConstraints(min_length=1, max_length=100)]


class TicketFilter(InputModel):
    """Empty lists match every ticket; a non-empty one needs the ticket's value in it."""

    categories: list[Name] = Field(
        default_factory=list, max_length=100, description="The ticket's category."
    )
    tags: list[Name] = Field(
        default_factory=list, max_length=100, description="Any one of the ticket's tags."
    )
    tiers: list[Name] = Field(
        default_factory=list, max_length=20, description="The requester's tier, e.g. vip."
    )
    requesters: list[Name] = Field(
        default_factory=list,
        max_length=100,
        description="The requester's id or email address (case-insensitive).",
    )
