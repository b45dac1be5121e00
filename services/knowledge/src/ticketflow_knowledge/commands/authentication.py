"""Who presents a bearer token: the service token is an admin, an access token an agent or a
requester. The one place that verifies credentials (one identity, #17, replaces it here)."""

from datetime import datetime

from pydantic import SecretStr

from ticketflow_common import access_tokens
from ticketflow_knowledge.domain.access import ACCESS_AUDIENCE, Caller


def identify(
    *, token: str, service_token: SecretStr, access_secret: SecretStr | None, now: datetime
) -> Caller | None:
    """The caller a token stands for; None for a bad or expired one."""
    return access_tokens.identify(
        token=token,
        service_token=service_token,
        access_secret=access_secret,
        audience=ACCESS_AUDIENCE,
        now=now,
    )
