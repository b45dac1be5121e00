"""Credentials a service issued itself before one identity (#17): intake's API keys, the
`issue-token` tokens of insights, knowledge and mail. Still accepted, named as every service
names a caller, so the authorisation table has one principal type to judge."""

import contextlib
from uuid import UUID

from ticketflow_common.events.identity import IdentityRole
from ticketflow_common.identity import Principal


def legacy_principal(*, role: IdentityRole, subject: str, credential_id: str | None) -> Principal:
    """A legacy credential's caller as a `Principal`; an agent's subject is its agent id when
    it is one."""
    agent_id = None
    if role in ("agent", "lead"):
        with contextlib.suppress(ValueError):
            agent_id = UUID(subject)
    return Principal(
        subject=subject,
        role=role,
        via="access_token",
        credential_id=credential_id,
        agent_id=agent_id,
    )
