"""People's access tokens until one identity arrives (#17): the service token is an admin, a
signed token (HS256, one audience per service) names an agent or a requester. Shared so every
service that serves people verifies them the same way, and `issue-token` prints them alike."""

import argparse
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, TypeAlias

from pydantic import SecretStr

from ticketflow_common.identity import STANDALONE_ADMIN, Principal
from ticketflow_common.legacy_principals import legacy_principal
from ticketflow_common.signed_tokens import read_token, sign_token

CallerRole = Literal["admin", "agent", "requester"]
MAX_ACCESS_TOKEN_HOURS = 24 * 31


@dataclass(frozen=True)
class Caller:
    """The authenticated caller of a service's API; `subject` is an agent or requester id."""

    role: CallerRole
    subject: str

    @property
    def is_staff(self) -> bool:
        """Agents and admins see what requesters do not."""
        return self.role in ("admin", "agent")


ADMIN = Caller(role="admin", subject="admin")
"""Whoever presents the service's API token: operators, the CLI, a portal acting for people."""


def caller_of_principal(principal: Principal) -> Caller:
    """A caller identity authenticated, in these services' terms: admins (and the service
    token, bootstrap included: the authorisation table limits that) are admins, agents and
    leads agents (by their agent id), everyone else a requester (by their principal id)."""
    if principal.via == "service_token" or principal.role in ("admin", "bootstrap"):
        return ADMIN
    if principal.role in ("agent", "lead"):
        agent = principal.agent_id
        return Caller(role="agent", subject=principal.subject if agent is None else str(agent))
    return Caller(role="requester", subject=principal.subject)


def principal_of_caller(caller: Caller) -> Principal:
    """An `issue-token` token's caller, as every service names callers."""
    if caller.role == "admin":
        return STANDALONE_ADMIN
    return legacy_principal(role=caller.role, subject=caller.subject, credential_id=None)


def access_token(
    *, role: CallerRole, subject: str, audience: str, secret: str, now: datetime, hours: float
) -> str:
    """A signed token for an agent or a requester of `audience`, valid `hours` from `now`."""
    if role == "admin":
        raise ValueError("admins use the service token")
    if not 0 < hours <= MAX_ACCESS_TOKEN_HOURS:
        raise ValueError(f"hours must be in (0, {MAX_ACCESS_TOKEN_HOURS}]")
    if not subject.strip():
        raise ValueError("subject must not be empty")
    return sign_token(
        subject=subject,
        audience=audience,
        secret=secret,
        now=now,
        lifetime=timedelta(hours=hours),
        claims={"role": role},
    )


def caller_of_token(*, token: str, audience: str, secret: str, now: datetime) -> Caller | None:
    """The agent or requester a well-signed, unexpired token for `audience` names; else None."""
    claims = read_token(token=token, audience=audience, secret=secret, now=now)
    if claims is None:
        return None
    role, subject = claims.get("role"), claims.get("sub")
    if role not in ("agent", "requester") or not isinstance(subject, str) or not subject:
        return None
    return Caller(role=role, subject=subject)


def identify(
    *,
    token: str,
    service_token: SecretStr,
    access_secret: SecretStr | None,
    audience: str,
    now: datetime,
) -> Caller | None:
    """The caller a bearer token stands for; None for a bad or expired one."""
    if secrets.compare_digest(token.encode(), service_token.get_secret_value().encode()):
        return ADMIN
    if access_secret is None:
        return None
    return caller_of_token(
        token=token, audience=audience, secret=access_secret.get_secret_value(), now=now
    )


def issue_access_token(
    *,
    role: CallerRole,
    subject: str,
    audience: str,
    access_secret: SecretStr | None,
    variable: str,
    now: datetime,
    hours: float,
) -> str:
    """An access token for an agent or requester; refused while no secret is configured."""
    if access_secret is None:
        raise ValueError(f"{variable} is not set: access tokens are off")
    return access_token(
        role=role,
        subject=subject,
        audience=audience,
        secret=access_secret.get_secret_value(),
        now=now,
        hours=hours,
    )


Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def add_issue_token(commands: Commands) -> None:
    """`issue-token`: a signed access token for an agent or a requester, printed once."""
    issue = commands.add_parser("issue-token", help="print an access token")
    issue.add_argument("--role", required=True, choices=["agent", "requester"])
    issue.add_argument("--subject", required=True, help="the agent's or requester's id")
    issue.add_argument("--hours", type=float, default=12.0, help="how long it is valid")


def print_issued_token(
    args: argparse.Namespace,
    *,
    audience: str,
    access_secret: SecretStr | None,
    variable: str,
    now: datetime,
) -> None:
    """Run `issue-token`: print the token, or exit with the reason it cannot be issued."""
    try:
        token = issue_access_token(
            role=args.role,
            subject=args.subject,
            audience=audience,
            access_secret=access_secret,
            variable=variable,
            now=now,
            hours=args.hours,
        )
    except ValueError as error:
        raise SystemExit(str(error)) from None
    print(token)
