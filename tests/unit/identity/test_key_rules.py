"""Key rules: states, constant-time secrets, rotation and expiry dates, scopes, settings."""

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.exceptions import InvalidTag
from pydantic import ValidationError

from ticketflow_identity.domain import keys, signing
from ticketflow_identity.domain.api_keys import generate_key, hash_secret, parse_key
from ticketflow_identity.settings import IdentitySettings

NOW = datetime(2025, 6, 2, 10, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def test_a_key_parses_back_and_its_secret_matches() -> None:
    made = generate_key()
    assert parse_key(made.token) == (made.key_id, made.secret)
    assert keys.secret_matches(made.secret, hash_secret(made.secret))
    assert not keys.secret_matches("wrong", hash_secret(made.secret))
    assert not keys.secret_matches(made.secret, None)
    assert parse_key("tfid_.x") is None
    assert parse_key("other") is None


def test_states() -> None:
    def state(**kw: object) -> str:
        values: dict[str, object] = {"expires_at": None, "revoked_at": None, "replaced_by": None}
        return keys.state_of(**{**values, **kw}, now=NOW)  # type: ignore[arg-type]

    assert state() == "active"
    assert state(replaced_by="k2", expires_at=NOW + HOUR) == "rotating"
    assert state(expires_at=NOW) == "expired"
    assert state(revoked_at=NOW, expires_at=NOW + HOUR) == "revoked"


def test_rotation_dates() -> None:
    created = NOW - timedelta(days=10)
    assert keys.successor_expiry(created_at=created, expires_at=None, now=NOW) is None
    assert keys.successor_expiry(
        created_at=created, expires_at=created + timedelta(days=90), now=NOW
    ) == NOW + timedelta(days=90)
    assert keys.overlap_end(expires_at=None, now=NOW, overlap=24 * HOUR) == NOW + 24 * HOUR
    assert keys.overlap_end(expires_at=NOW + HOUR, now=NOW, overlap=24 * HOUR) == NOW + HOUR
    assert keys.ends_reason("k2") == "rotated"
    assert keys.ends_reason(None) == "expired"


def test_scopes_narrow_never_widen() -> None:
    assert keys.scope_granted(None, None) == (None, None)
    assert keys.scope_granted(None, ["a", "b"]) == ("a b", None)
    assert keys.scope_granted("b", ["a", "b"]) == ("b", None)
    assert keys.scope_granted("b c", ["a", "b"]) == (None, "c")
    assert keys.scope_granted("x x y", None) == ("x y", None)


def test_sealed_keys_open_only_with_their_secret_and_kid() -> None:
    made = signing.new_signing_key()
    sealed = signing.seal(made.private_key, kid=made.kid, secret="s" * 40)
    assert signing.unseal(sealed, kid=made.kid, secret="s" * 40) is not None
    with pytest.raises(InvalidTag):
        signing.unseal(sealed, kid=made.kid, secret="t" * 40)
    with pytest.raises(InvalidTag):
        signing.unseal(sealed, kid="another", secret="s" * 40)
    assert made.public_jwk["kid"] == made.kid
    assert "d" not in made.public_jwk


def key(kid: str, active_from: datetime, retired_at: datetime | None = None) -> signing.SigningKey:
    return signing.SigningKey(
        kid=kid,
        sealed_private=b"",
        public_jwk={},
        created_at=active_from,
        active_from=active_from,
        retired_at=retired_at,
    )


def test_the_signing_schedule() -> None:
    lead = timedelta(seconds=60)
    old = key("old", NOW - timedelta(days=30), retired_at=NOW + lead)
    new = key("new", NOW + lead)
    both = [old, new]
    assert signing.signer(both, NOW) == old
    assert signing.pending(both, NOW) == new
    assert not signing.rotation_due(both, now=NOW, every=timedelta(days=30))
    assert signing.signer(both, NOW + lead) == new
    life = timedelta(seconds=600)
    assert signing.published(old, now=NOW + lead + life - timedelta(seconds=1), token_lifetime=life)
    assert not signing.published(old, now=NOW + lead + life, token_lifetime=life)
    assert signing.rotation_due([], now=NOW, every=timedelta(days=30))
    assert signing.rotation_due(
        [key("k", NOW - timedelta(days=30))], now=NOW, every=timedelta(days=30)
    )


@pytest.mark.parametrize("secret", ["short", "changeme", "a" * 40, "ab" * 20])
def test_the_signing_secret_must_be_real(secret: str) -> None:
    with pytest.raises(ValidationError, match="signing_key_secret"):
        IdentitySettings(
            database_url="postgresql://x@localhost/x",
            kafka_bootstrap_servers="localhost:9092",
            api_token="a-real-service-token-1234",
            signing_key_secret=secret,
        )
