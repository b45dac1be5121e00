"""Who presents a bearer token to mail: the service token is an admin, an access token (mail's
audience) an agent or a requester."""

from datetime import datetime

from pydantic import SecretStr

from ticketflow_common import access_tokens
from ticketflow_common.access_tokens import Caller
from ticketflow_mail.domain.access import ACCESS_AUDIENCE


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
