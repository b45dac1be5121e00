"""Signing in and out: an API key is exchanged at identity for an access token the console
keeps server-side; the key itself is never stored."""

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import asyncpg

from ticketflow_console.adapters.services import Services, UpstreamDown
from ticketflow_console.domain.catalogue import language_of
from ticketflow_console.domain.sessions import Session
from ticketflow_console.domain.times import zone_or_default
from ticketflow_console.store import sessions as store

EXPIRY_MARGIN = timedelta(seconds=15)
"""A session ends a little before its token, so no page is half-rendered with a dead token."""


@dataclass(frozen=True)
class SignInRefused:
    """Why signing in did not work: identity refused the key, or did not answer."""

    reason: Literal["refused", "unavailable"]


async def sign_in(
    *,
    conn: asyncpg.Connection,
    services: Services,
    api_key: str,
    accept_language: str | None,
    time_zone: str | None,
    now: datetime,
) -> Session | SignInRefused:
    """A new session for the key's principal, or why not."""
    try:
        grant = await services.exchange_key(api_key)
        me = await services.me(grant.access_token) if grant is not None else None
    except UpstreamDown:
        return SignInRefused("unavailable")
    if grant is None or me is None:
        return SignInRefused("refused")
    principal = me.get("principal") or {}
    session = Session(
        session_id=secrets.token_urlsafe(32),
        access_token=grant.access_token,
        csrf_token=secrets.token_urlsafe(32),
        subject=str(me["subject"]),
        display_name=str(principal.get("display_name") or me["subject"]),
        role=str(me["role"]),
        agent_id=uuid.UUID(me["agent_id"]) if me.get("agent_id") else None,
        teams=tuple(me.get("teams") or ()),
        language=language_of(chosen=None, accept_language=accept_language),
        time_zone=zone_or_default(time_zone),
        expires_at=now + timedelta(seconds=grant.expires_in) - EXPIRY_MARGIN,
    )
    await store.insert_session(conn=conn, session=session, now=now)
    return session


async def current_session(
    *, conn: asyncpg.Connection, session_id: str, now: datetime
) -> Session | None:
    return await store.live_session(conn=conn, session_id=session_id, now=now)


async def sign_out(*, conn: asyncpg.Connection, session_id: str) -> None:
    await store.delete_session(conn=conn, session_id=session_id)


async def choose_preferences(
    *, conn: asyncpg.Connection, session: Session, language: str, time_zone: str
) -> None:
    """Keep the user's language (one we speak) and time zone (a known one) for this session."""
    await store.set_preferences(
        conn=conn,
        session_id=session.session_id,
        language=language_of(chosen=language, accept_language=session.language),
        time_zone=zone_or_default(time_zone),
    )


async def prune_expired_sessions(*, conn: asyncpg.Connection, now: datetime) -> int:
    return await store.delete_expired(conn=conn, now=now, limit=1000)
