"""Who presents a bearer token: the service token is an admin, an access token an agent or a
requester. The one place that verifies credentials (one identity, #17, replaces it here)."""

import secrets
from datetime import datetime

from pydantic import SecretStr

from ticketflow_knowledge.domain.access import (
    ADMIN,
    Caller,
    CallerRole,
    access_token,
    caller_of_token,
)


def identify(
    *, token: str, service_token: SecretStr, access_secret: SecretStr | None, now: datetime
) -> Caller | None:
    """The caller a token stands for; None for a bad or expired one."""
    if secrets.compare_digest(token.encode(), service_token.get_secret_value().encode()):
        return ADMIN
    if access_secret is None:
        return None
    return caller_of_token(token=token, secret=access_secret.get_secret_value(), now=now)


def issue_access_token(
    *, role: CallerRole, subject: str, access_secret: SecretStr | None, now: datetime, hours: float
) -> str:
    """An access token for an agent or requester; refused while no secret is configured."""
    if access_secret is None:
        raise ValueError("KNOWLEDGE_ACCESS_TOKEN_SECRET is not set: access tokens are off")
    return access_token(
        role=role, subject=subject, secret=access_secret.get_secret_value(), now=now, hours=hours
    )
