"""Signing keys: the first one made when none signs, rotation (published a lead before it
signs, the old one published until its last token expired), and the key set services fetch."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import asyncpg
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ticketflow_common.events.identity import SigningKeyRotated
from ticketflow_common.outbox import emit
from ticketflow_common.problems import ProblemError
from ticketflow_identity.domain import signing
from ticketflow_identity.domain.signing import SigningKey
from ticketflow_identity.settings import IdentitySettings
from ticketflow_identity.store import signing_keys as store

log = logging.getLogger(__name__)
EVENT_SUBJECT = "signing-keys"
_UNSEALED: dict[str, Ed25519PrivateKey] = {}
"""Private keys already unsealed, by kid (a handful: one per rotation)."""


@dataclass(frozen=True)
class Rotation:
    kid: str
    previous_kid: str | None
    active_from: datetime


def _lifetime(settings: IdentitySettings) -> timedelta:
    return timedelta(seconds=settings.access_token_seconds)


async def current_keys(
    *, conn: asyncpg.Connection, settings: IdentitySettings, now: datetime
) -> list[SigningKey]:
    """Every key that signs, will sign, or signed a token that may still be alive."""
    rows = await store.current_keys(conn=conn, retired_after=now - _lifetime(settings))
    return [
        SigningKey(
            kid=r["kid"],
            sealed_private=r["private_pem"],
            public_jwk=r["public_jwk"],
            created_at=r["created_at"],
            active_from=r["active_from"],
            retired_at=r["retired_at"],
        )
        for r in rows
    ]


async def key_set(
    *, conn: asyncpg.Connection, settings: IdentitySettings, now: datetime
) -> dict[str, Any]:
    """The JWKS: public halves of the keys published at `now` (a first key made if none)."""
    keys = await current_keys(conn=conn, settings=settings, now=now)
    if signing.signer(keys, now) is None:
        await signing_key(conn=conn, settings=settings, now=now)
        keys = await current_keys(conn=conn, settings=settings, now=now)
    lifetime = _lifetime(settings)
    return {
        "keys": [
            k.public_jwk for k in keys if signing.published(k, now=now, token_lifetime=lifetime)
        ]
    }


async def signing_key(
    *, conn: asyncpg.Connection, settings: IdentitySettings, now: datetime
) -> tuple[str, Ed25519PrivateKey]:
    """The kid and private key that sign at `now`; the first key is made if none does."""
    found = signing.signer(await current_keys(conn=conn, settings=settings, now=now), now)
    if found is None:
        async with conn.transaction():
            await store.lock_rotation(conn=conn)
            found = signing.signer(await current_keys(conn=conn, settings=settings, now=now), now)
            if found is None:
                await _add_key(conn=conn, settings=settings, now=now, previous=None, lead=0)
                found = signing.signer(
                    await current_keys(conn=conn, settings=settings, now=now), now
                )
    assert found is not None
    return found.kid, _unsealed(found, settings=settings)


def _unsealed(key: SigningKey, *, settings: IdentitySettings) -> Ed25519PrivateKey:
    """503 when the secret is not the one the key was sealed with (an operator changed it)."""
    if key.kid not in _UNSEALED:
        try:
            _UNSEALED[key.kid] = signing.unseal(
                key.sealed_private,
                kid=key.kid,
                secret=settings.signing_key_secret.get_secret_value(),
            )
        except (InvalidTag, ValueError) as exc:
            log.error("signing key cannot be unsealed", extra={"kid": key.kid})
            raise ProblemError(
                503,
                f"signing key {key.kid} cannot be unsealed with IDENTITY_SIGNING_KEY_SECRET",
            ) from exc
    return _UNSEALED[key.kid]


async def rotate_signing_key(
    *, conn: asyncpg.Connection, settings: IdentitySettings, now: datetime, only_if_due: bool
) -> Rotation | None:
    """Publish a new key that signs after the lead; the current signer retires then. None
    when `only_if_due` and the signer is not old enough; 409 while a rotation is pending."""
    async with conn.transaction():
        await store.lock_rotation(conn=conn)
        keys = await current_keys(conn=conn, settings=settings, now=now)
        every = timedelta(days=settings.signing_key_days)
        if only_if_due and not signing.rotation_due(keys, now=now, every=every):
            return None
        waiting = signing.pending(keys, now)
        if waiting is not None:
            raise ProblemError(
                409,
                f"signing key {waiting.kid} is already published and signs from"
                f" {waiting.active_from.isoformat()}",
            )
        current = signing.signer(keys, now)
        return await _add_key(
            conn=conn,
            settings=settings,
            now=now,
            previous=current,
            lead=settings.signing_key_lead_seconds if current is not None else 0,
        )


async def _add_key(
    *,
    conn: asyncpg.Connection,
    settings: IdentitySettings,
    now: datetime,
    previous: SigningKey | None,
    lead: float,
) -> Rotation:
    made = signing.new_signing_key()
    active_from = now + timedelta(seconds=lead)
    sealed = signing.seal(
        made.private_key, kid=made.kid, secret=settings.signing_key_secret.get_secret_value()
    )
    await store.insert_signing_key(
        conn=conn,
        kid=made.kid,
        sealed=sealed,
        public_jwk=made.public_jwk,
        now=now,
        active_from=active_from,
    )
    _UNSEALED[made.kid] = made.private_key
    if previous is not None:
        await store.retire_signing_key(conn=conn, kid=previous.kid, at=active_from)
    rotation = Rotation(
        kid=made.kid,
        previous_kid=previous.kid if previous else None,
        active_from=active_from,
    )
    await emit(
        conn,
        SigningKeyRotated(
            kid=rotation.kid, previous_kid=rotation.previous_kid, active_from=active_from
        ),
        subject=EVENT_SUBJECT,
        now=now,
    )
    return rotation
