"""SQL for subscriptions: stored flat, shown with their target as one object."""

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from ticketflow_notify.domain.subscriptions import (
    EmailTarget,
    EndpointTarget,
    NewSubscription,
    RoleTarget,
    Subscription,
)
from ticketflow_notify.domain.targets import SubscribedTarget

_COLUMNS = (
    "s.id, s.description, s.event_types, s.teams, s.priorities, s.policies,"
    " s.min_escalation_level, s.endpoint_id, s.email, s.role, s.digest_seconds, s.enabled,"
    " s.created_at, s.categories, s.tags, s.tiers, s.requesters"
)


def _subscription(row: asyncpg.Record) -> Subscription:
    fields: dict[str, Any] = dict(row)
    endpoint_id, email, role = fields.pop("endpoint_id"), fields.pop("email"), fields.pop("role")
    fields.pop("endpoint_kind", None)
    if endpoint_id is not None:
        fields["target"] = EndpointTarget(endpoint_id=endpoint_id)
    elif email is not None:
        fields["target"] = EmailTarget(address=email)
    else:
        fields["target"] = RoleTarget(role=role)
    return Subscription.model_validate(fields)


async def insert_subscription(
    *,
    conn: asyncpg.Connection,
    subscription_id: UUID,
    new: NewSubscription,
    owner: str | None = None,
) -> Subscription:
    target = new.target
    row = await conn.fetchrow(
        "INSERT INTO subscriptions AS s (id, description, event_types, teams, priorities,"
        " policies, min_escalation_level, endpoint_id, email, role, digest_seconds, enabled,"
        " owner, categories, tags, tiers, requesters)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
        f" RETURNING {_COLUMNS}",
        subscription_id,
        new.description,
        new.event_types,
        new.teams,
        list(new.priorities),
        new.policies,
        new.min_escalation_level,
        target.endpoint_id if isinstance(target, EndpointTarget) else None,
        target.address if isinstance(target, EmailTarget) else None,
        target.role if isinstance(target, RoleTarget) else None,
        new.digest_seconds,
        new.enabled,
        owner,
        new.categories,
        new.tags,
        new.tiers,
        new.requesters,
    )
    return _subscription(row)


async def list_subscriptions(
    *,
    conn: asyncpg.Connection,
    endpoint_id: UUID | None,
    limit: int,
    owner: str | None = None,
    after: tuple[datetime, UUID] | None = None,
) -> list[Subscription]:
    """Subscriptions (to `endpoint_id` when given), oldest first after a keyset position,
    only `owner`'s when one is given."""
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM subscriptions s"
        " WHERE ($1::uuid IS NULL OR s.endpoint_id = $1) AND ($3::text IS NULL OR s.owner = $3)"
        " AND ($4::timestamptz IS NULL OR (s.created_at, s.id) > ($4, $5::uuid))"
        " ORDER BY s.created_at, s.id LIMIT $2",
        endpoint_id,
        limit,
        owner,
        after[0] if after else None,
        after[1] if after else None,
    )
    return [_subscription(r) for r in rows]


async def subscriptions_of(*, conn: asyncpg.Connection, endpoint_id: UUID) -> list[Subscription]:
    """Every subscription routing to the endpoint (deleted with it)."""
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM subscriptions s WHERE s.endpoint_id = $1"
        " ORDER BY s.created_at, s.id",
        endpoint_id,
    )
    return [_subscription(r) for r in rows]


async def get_subscription(
    *, conn: asyncpg.Connection, subscription_id: UUID
) -> Subscription | None:
    row = await conn.fetchrow(
        f"SELECT {_COLUMNS} FROM subscriptions s WHERE s.id = $1", subscription_id
    )
    return None if row is None else _subscription(row)


async def delete_subscription(*, conn: asyncpg.Connection, subscription_id: UUID) -> bool:
    status = await conn.execute("DELETE FROM subscriptions WHERE id = $1", subscription_id)
    return bool(status == "DELETE 1")


async def subscriptions_for(*, conn: asyncpg.Connection, event_type: str) -> list[SubscribedTarget]:
    """Enabled subscriptions that could want this event type (itself, `*` or its family's
    `<family>.*`), with their endpoint's kind; a subscription to a disabled endpoint is left
    out."""
    family = event_type.split(".", 1)[0] + ".*"
    rows = await conn.fetch(
        f"SELECT {_COLUMNS}, e.kind AS endpoint_kind FROM subscriptions s"
        " LEFT JOIN endpoints e ON e.id = s.endpoint_id"
        " WHERE s.enabled AND (cardinality(s.event_types) = 0"
        " OR s.event_types && ARRAY[$1, $2, '*']::text[])"
        " AND (s.endpoint_id IS NULL OR e.enabled)",
        event_type,
        family,
    )
    return [SubscribedTarget(_subscription(r), r["endpoint_kind"]) for r in rows]
