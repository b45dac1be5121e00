"""Webhook and chat endpoints: registering, changing, archiving, rotating secrets, replaying."""

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID, uuid4

import asyncpg

from ticketflow_common.events.audit import AuditActor
from ticketflow_common.pagination import Page, encode_timed_cursor, page_of, read_timed_cursor
from ticketflow_common.problems import invalid_field
from ticketflow_notify.adapters.address_guard import AddressGuard, UnsafeAddressError
from ticketflow_notify.commands.audit import audit
from ticketflow_notify.domain.deliveries import Replayed
from ticketflow_notify.domain.endpoints import (
    CreatedEndpoint,
    Endpoint,
    EndpointChanges,
    NewEndpoint,
    RotatedSecret,
)
from ticketflow_notify.domain.network_policy import IPNetwork
from ticketflow_notify.domain.signing import is_asymmetric, new_key_for, shown_key
from ticketflow_notify.store import endpoint_archive, endpoints
from ticketflow_notify.store.delivery_log import replay_failures
from ticketflow_notify.store.subscriptions import subscriptions_of

ENDPOINT = "notify.endpoint"
SUBSCRIPTION = "notify.subscription"


async def refuse_unsafe_url(*, url: str, allowed: Sequence[IPNetwork]) -> None:
    """The URL must not resolve to a private, loopback or link-local address outside `allowed`
    (422 naming `url`), checked before anything is stored."""
    try:
        await AddressGuard(allowed=allowed).check(url)
    except UnsafeAddressError as exc:
        raise invalid_field("url", str(exc)) from exc


async def register_endpoint(
    *,
    conn: asyncpg.Connection,
    new: NewEndpoint,
    allowed: Sequence[IPNetwork],
    actor: AuditActor,
    now: datetime,
    owner: str | None = None,
) -> CreatedEndpoint:
    """A new endpoint of `owner`'s with its first signing secret (shown in this answer only;
    the audit log keeps it redacted)."""
    await refuse_unsafe_url(url=str(new.url), allowed=allowed)
    async with conn.transaction():
        created = await endpoints.insert_endpoint(
            conn=conn, endpoint_id=uuid4(), new=new, secret=new_key_for(new.signing), owner=owner
        )
        await audit(
            conn=conn,
            actor=actor,
            entity=ENDPOINT,
            entity_id=str(created.id),
            action="created",
            before=None,
            after=created,
            now=now,
        )
        return created


async def list_endpoints(
    *, conn: asyncpg.Connection, cursor: str | None, limit: int, owner: str | None = None
) -> Page[Endpoint]:
    """Oldest first; the cursor holds the last endpoint's (created_at, id)."""
    after = read_timed_cursor(cursor, kind="notify.endpoints")
    rows = await endpoints.list_endpoints(conn=conn, limit=limit + 1, owner=owner, after=after)
    return page_of(
        rows,
        limit=limit,
        cursor=lambda e: encode_timed_cursor("notify.endpoints", e.created_at, e.id),
    )


async def find_endpoint(*, conn: asyncpg.Connection, endpoint_id: UUID) -> Endpoint | None:
    return await endpoints.get_endpoint(conn=conn, endpoint_id=endpoint_id)


async def change_endpoint(
    *,
    conn: asyncpg.Connection,
    endpoint_id: UUID,
    changes: EndpointChanges,
    allowed: Sequence[IPNetwork],
    actor: AuditActor,
    now: datetime,
) -> Endpoint | None:
    if changes.url is not None:
        await refuse_unsafe_url(url=str(changes.url), allowed=allowed)
    async with conn.transaction():
        before = await endpoints.get_endpoint(conn=conn, endpoint_id=endpoint_id)
        if before is None:
            return None
        after = await endpoints.update_endpoint(conn=conn, endpoint_id=endpoint_id, changes=changes)
        if after is not None:
            await audit(
                conn=conn,
                actor=actor,
                entity=ENDPOINT,
                entity_id=str(endpoint_id),
                action="updated",
                before=before,
                after=after,
                now=now,
            )
        return after


async def archive_endpoint(
    *, conn: asyncpg.Connection, endpoint_id: UUID, actor: AuditActor, now: datetime
) -> bool:
    """Archive it with its subscriptions (each audited as deleted) and cancel its pending
    deliveries; False when there is no live endpoint of that id."""
    async with conn.transaction():
        if await endpoint_archive.lock_live_endpoint(conn=conn, endpoint_id=endpoint_id) is None:
            return False
        before = await endpoints.get_endpoint(conn=conn, endpoint_id=endpoint_id)
        routed = await subscriptions_of(conn=conn, endpoint_id=endpoint_id)
        await endpoint_archive.drop_subscriptions(conn=conn, endpoint_id=endpoint_id)
        for subscription in routed:
            await audit(
                conn=conn,
                actor=actor,
                entity=SUBSCRIPTION,
                entity_id=str(subscription.id),
                action="deleted",
                before=subscription,
                after=None,
                now=now,
            )
        await endpoint_archive.archive_endpoint(conn=conn, endpoint_id=endpoint_id, now=now)
        await audit(
            conn=conn,
            actor=actor,
            entity=ENDPOINT,
            entity_id=str(endpoint_id),
            action="archived",
            before=before,
            after=None,
            now=now,
        )
    return True


async def rotate_endpoint_secret(
    *,
    conn: asyncpg.Connection,
    endpoint_id: UUID,
    overlap_seconds: int,
    actor: AuditActor,
    now: datetime,
) -> RotatedSecret | None:
    """A new signing secret; the previous ones stay active for `overlap_seconds`. Audited as
    `secret_rotated`, the secret itself redacted; an ed25519 endpoint gets a new key pair."""
    async with conn.transaction():
        endpoint = await endpoints.get_endpoint(conn=conn, endpoint_id=endpoint_id)
        if endpoint is None:
            return None
        secret = new_key_for(endpoint.signing)
        expires = await endpoints.rotate_secret(
            conn=conn,
            endpoint_id=endpoint_id,
            secret=secret,
            now=now,
            overlap_seconds=overlap_seconds,
        )
        if expires is None:
            return None
        asymmetric = is_asymmetric(secret)
        rotated = RotatedSecret(
            endpoint_id=endpoint_id,
            secret=None if asymmetric else secret,
            public_key=shown_key(secret) if asymmetric else None,
            previous_secrets_expire_at=expires,
        )
        await audit(
            conn=conn,
            actor=actor,
            entity=ENDPOINT,
            entity_id=str(endpoint_id),
            action="secret_rotated",
            before=None,
            after=rotated,
            now=now,
        )
        return rotated


async def replay_endpoint_failures(
    *, conn: asyncpg.Connection, endpoint_id: UUID, since: datetime, until: datetime, now: datetime
) -> Replayed | None:
    """Queue again every failed delivery of the endpoint created in [since, until)."""
    if await endpoints.get_endpoint(conn=conn, endpoint_id=endpoint_id) is None:
        return None
    count = await replay_failures(
        conn=conn, endpoint_id=endpoint_id, since=since, until=until, now=now
    )
    return Replayed(replayed=count)
