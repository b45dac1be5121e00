"""The admin pages' reads and the changes they make, each through the owning service's API
with the admin's own token: SLA policies and calendars (sla), categories (intake), webhook
endpoints and subscriptions (notify)."""

import asyncio
from dataclasses import dataclass
from datetime import datetime

from ticketflow_console.adapters.desk_services import DeskServices
from ticketflow_console.adapters.services import Answer, Json
from ticketflow_console.domain.deadline_preview import (
    Deadline,
    policy_calendar,
    preview_deadlines,
)
from ticketflow_console.domain.sessions import Session


@dataclass(frozen=True)
class SlaPage:
    policies: list[Json]
    calendars: list[Json]
    previewed: Json | None
    deadlines: list[Deadline]


def may_administer(session: Session) -> bool:
    return session.role == "admin"


async def sla_page(
    *, desk: DeskServices, session: Session, preview_policy: str | None, start: datetime | None
) -> SlaPage:
    """Policies and calendars; with a policy and a start, the deadlines it would give."""
    policies, calendars = await asyncio.gather(
        desk.policies(session.access_token), desk.calendars(session.access_token)
    )
    chosen = next((p for p in policies if p["name"] == preview_policy), None)
    deadlines: list[Deadline] = []
    if chosen is not None and start is not None:
        deadlines = preview_deadlines(chosen, policy_calendar(chosen, calendars), start=start)
    return SlaPage(policies, calendars, chosen, deadlines)


async def put_policy(*, desk: DeskServices, session: Session, name: str, body: Json) -> Answer:
    return await desk.put_policy(session.access_token, name, body)


async def categories(*, desk: DeskServices, session: Session) -> list[Json]:
    return await desk.categories(session.access_token)


async def put_category(*, desk: DeskServices, session: Session, key: str, body: Json) -> Answer:
    return await desk.put_category(session.access_token, key, body)


@dataclass(frozen=True)
class NotifyPage:
    endpoints: list[Json]
    subscriptions: list[Json]


async def notify_page(*, desk: DeskServices, session: Session) -> NotifyPage:
    endpoints, subscriptions = await asyncio.gather(
        desk.endpoints(session.access_token), desk.subscriptions(session.access_token)
    )
    return NotifyPage(endpoints, subscriptions)


async def set_endpoint_enabled(
    *, desk: DeskServices, session: Session, endpoint_id: str, enabled: bool
) -> Answer:
    return await desk.set_endpoint_enabled(session.access_token, endpoint_id, enabled=enabled)
