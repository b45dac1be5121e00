"""Viewer tokens and roles: signed, expiring, naming an agent; what each role may see."""

import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from pydantic import ValidationError

from ticketflow_common.signed_tokens import SIGNING_ALGORITHM
from ticketflow_insights.domain.access import (
    ADMIN,
    VIEWER_AUDIENCE,
    viewer_of,
    viewer_token,
    viewer_token_subject,
)
from ticketflow_insights.settings import InsightsSettings

SECRET = "s" * 40
NOW = datetime(2026, 5, 13, 9, tzinfo=UTC)
AGENT = uuid.uuid4()


def test_a_token_names_its_agent_until_it_expires() -> None:
    token = viewer_token(agent_id=AGENT, secret=SECRET, now=NOW, hours=12)
    assert viewer_token_subject(token=token, secret=SECRET, now=NOW) == AGENT
    almost = NOW + timedelta(hours=12) - timedelta(seconds=1)
    assert viewer_token_subject(token=token, secret=SECRET, now=almost) == AGENT
    assert viewer_token_subject(token=token, secret=SECRET, now=NOW + timedelta(hours=12)) is None


def test_a_token_signed_otherwise_or_tampered_is_nobody() -> None:
    token = viewer_token(agent_id=AGENT, secret=SECRET, now=NOW, hours=1)
    assert viewer_token_subject(token=token, secret="t" * 40, now=NOW) is None
    header, payload, signature = token.split(".")
    assert (
        viewer_token_subject(token=f"{header}.{payload}x.{signature}", secret=SECRET, now=NOW)
        is None
    )
    assert viewer_token_subject(token="not-a-token", secret=SECRET, now=NOW) is None


@pytest.mark.parametrize(
    "claims",
    [
        {"sub": str(AGENT), "aud": VIEWER_AUDIENCE},  # no expiry
        {"sub": str(AGENT), "exp": 2_000_000_000},  # no audience
        {"sub": str(AGENT), "aud": "another-service", "exp": 2_000_000_000},
        {"sub": "not-a-uuid", "aud": VIEWER_AUDIENCE, "exp": 2_000_000_000},
        {"aud": VIEWER_AUDIENCE, "exp": 2_000_000_000},  # no subject
    ],
)
def test_tokens_missing_a_claim_or_for_another_audience_are_refused(
    claims: dict[str, object],
) -> None:
    token = jwt.encode(claims, SECRET, algorithm=SIGNING_ALGORITHM)
    assert viewer_token_subject(token=token, secret=SECRET, now=NOW) is None


def test_an_unsigned_token_is_refused() -> None:
    claims = {"sub": str(AGENT), "aud": VIEWER_AUDIENCE, "exp": 2_000_000_000}
    token = jwt.encode(claims, "", algorithm="none")
    assert viewer_token_subject(token=token, secret=SECRET, now=NOW) is None


def test_lifetimes_are_bounded() -> None:
    with pytest.raises(ValueError, match="hours"):
        viewer_token(agent_id=AGENT, secret=SECRET, now=NOW, hours=0)
    with pytest.raises(ValueError, match="hours"):
        viewer_token(agent_id=AGENT, secret=SECRET, now=NOW, hours=24 * 365)


def test_roles_and_what_they_see() -> None:
    lead = viewer_of(agent_id=AGENT, led_teams=frozenset({"network"}))
    agent = viewer_of(agent_id=AGENT, led_teams=frozenset())
    other = uuid.uuid4()
    assert (lead.role, agent.role) == ("lead", "agent")
    assert lead.may_see_team("network")
    assert not lead.may_see_team("billing")
    assert lead.may_see_agent(other, frozenset({"network", "billing"}))
    assert not lead.may_see_agent(other, frozenset({"billing"}))
    assert agent.may_see_agent(AGENT, frozenset())
    assert not agent.may_see_agent(other, frozenset({"network"}))
    assert not agent.may_see_team("network")
    assert ADMIN.may_see_team("anything")
    assert ADMIN.may_see_agent(other, frozenset())


@pytest.mark.parametrize("secret", ["changeme", "x" * 20])
def test_the_viewer_secret_must_be_real_and_long_enough(secret: str) -> None:
    with pytest.raises(ValidationError, match="viewer_token_secret"):
        InsightsSettings(
            database_url="postgresql://localhost/x",
            kafka_bootstrap_servers="localhost:9092",
            api_token="a" * 24,
            viewer_token_secret=secret,
        )


def test_the_viewer_secret_is_optional() -> None:
    settings = InsightsSettings(
        database_url="postgresql://localhost/x",
        kafka_bootstrap_servers="localhost:9092",
        api_token="a" * 24,
    )
    assert settings.viewer_token_secret is None
