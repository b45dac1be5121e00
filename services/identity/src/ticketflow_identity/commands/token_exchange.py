"""RFC 8693 token exchange at `POST /token`: an access token of the configured external OpenID
Connect provider (`IDENTITY_OIDC_*`) becomes identity's own, for the principal its email names
(created on first sight only with `IDENTITY_OIDC_AUTO_PROVISION`)."""

import secrets
from datetime import datetime
from typing import Any

import asyncpg
from pydantic import ValidationError

from ticketflow_common.events.audit import AuditActor
from ticketflow_common.events.identity import IdentityRole
from ticketflow_common.identity import AUDIENCE, AccessClaims, issued_at_of, sign_access_token
from ticketflow_common.oidc import OidcVerifier
from ticketflow_common.oidc_claims import claim_at, role_of, team_keys_of, uuids_of
from ticketflow_common.problems import ProblemError
from ticketflow_identity.commands.metrics import TOKENS_ISSUED
from ticketflow_identity.commands.principals import create_principal
from ticketflow_identity.commands.signing_keys import signing_key
from ticketflow_identity.commands.tokens import TokenResponse
from ticketflow_identity.domain import token_requests as oauth
from ticketflow_identity.domain.principals import NewPrincipal
from ticketflow_identity.domain.token_requests import TokenRequestError
from ticketflow_identity.settings import IdentitySettings
from ticketflow_identity.store import principals as store

ACCESS_TOKEN_TYPE = oauth.ACCESS_TOKEN_TYPE
SUBJECT_TOKEN_TYPES = frozenset(
    {
        ACCESS_TOKEN_TYPE,
        "urn:ietf:params:oauth:token-type:id_token",
        "urn:ietf:params:oauth:token-type:jwt",
    }
)
"""Access tokens; ID tokens and plain JWTs too (Google's sign-in gives an ID token)."""


class ExchangeResponse(TokenResponse):
    """RFC 8693 §2.2.1: the client credentials answer, plus what kind of token it is."""

    issued_token_type: str = ACCESS_TOKEN_TYPE


def refused(description: str) -> TokenRequestError:
    """RFC 8693 §2.2.2: a subject token that is invalid or unacceptable is `invalid_request`."""
    return TokenRequestError("invalid_request", description)


def subject_token_of(form: dict[str, str]) -> str:
    """The external token of a well-formed exchange request, or its refusal."""
    token, kind = form.get("subject_token"), form.get("subject_token_type")
    if not token:
        raise refused("subject_token is required")
    if kind not in SUBJECT_TOKEN_TYPES:
        raise refused(f"subject_token_type must be {ACCESS_TOKEN_TYPE}")
    wanted = form.get("requested_token_type")
    if wanted not in (None, "", ACCESS_TOKEN_TYPE):
        raise refused(f"requested_token_type: only {ACCESS_TOKEN_TYPE} is issued")
    if form.get("actor_token"):
        raise refused("actor_token: delegation is not supported")
    return token


def email_of(claims: dict[str, Any], *, claim: str) -> str:
    """The email the provider vouches for; a token that says it is unverified links nobody."""
    email = claim_at(claims, claim)
    if not isinstance(email, str) or "@" not in email:
        raise refused(f"the subject token has no email ({claim}) to link to a principal")
    if claim_at(claims, "email_verified") is False:
        raise refused("the subject token's email is not verified by its provider")
    return email.strip()


async def exchange_external_token(
    *,
    conn: asyncpg.Connection,
    form: dict[str, str],
    verifier: OidcVerifier,
    settings: IdentitySettings,
    address: str | None,
    now: datetime,
) -> ExchangeResponse:
    """Raises `TokenRequestError`: the exchange refused and why."""
    if settings.oidc_issuer is None:
        raise TokenRequestError(
            "unsupported_grant_type", "token exchange needs IDENTITY_OIDC_ISSUER to be set"
        )
    claims = await verifier.verified_claims(token=subject_token_of(form), now=now)
    if claims is None:
        raise refused(
            "the subject token is not a valid token of the configured issuer for this audience"
        )
    email = email_of(claims, claim=settings.oidc_email_claim)
    principal = await linked_principal(
        conn=conn, claims=claims, email=email, settings=settings, address=address, now=now
    )
    if principal["disabled_at"] is not None:
        raise refused("the principal this email links to is disabled")
    issued_at = issued_at_of(now)
    access = AccessClaims(
        iss=settings.public_url,
        sub=str(principal["principal_id"]),
        aud=AUDIENCE,
        iat=issued_at,
        exp=int(issued_at) + settings.access_token_seconds,
        jti=secrets.token_urlsafe(12),
        role=principal["role"],
        agent_id=principal["agent_id"],
        teams=list(principal["teams"]),
        scope=form.get("scope") or None,
    )
    kid, private_key = await signing_key(conn=conn, settings=settings, now=now)
    token = sign_access_token(claims=access, private_key=private_key, kid=kid)
    TOKENS_ISSUED.labels("token_exchange", principal["role"]).inc()
    return ExchangeResponse(
        access_token=token, expires_in=settings.access_token_seconds, scope=access.scope
    )


async def linked_principal(
    *,
    conn: asyncpg.Connection,
    claims: dict[str, Any],
    email: str,
    settings: IdentitySettings,
    address: str | None,
    now: datetime,
) -> asyncpg.Record:
    """The principal holding `email`; with auto-provisioning, a person created for it with the
    role the token's claims map to (refused when they map to none), audited as made by the
    external subject."""
    found = await store.principal_by_email(conn=conn, email=email)
    if found is not None:
        return found
    if not settings.oidc_auto_provision:
        raise refused(f"no principal has the email {email} (auto-provisioning is off)")
    role = role_of(claims, claim=settings.oidc_role_claim, role_map=settings.oidc_role_map)
    if role is None:
        raise refused(
            f"none of the values of the token's {settings.oidc_role_claim!r} claim maps to a "
            "Ticketflow role (oidc_role_map): nobody is provisioned"
        )
    try:
        person = new_person(claims, email=email, role=role, settings=settings)
    except ValidationError as invalid:
        raise refused(f"the subject token's claims make no valid principal: {invalid}") from None
    try:
        view = await create_principal(
            conn=conn,
            new=person,
            actor=external_actor(claims, email=email, role=role, address=address),
            now=now,
        )
    except (ProblemError, asyncpg.UniqueViolationError):
        # Another exchange for the same email provisioned it first: link to that one.
        raced = await store.principal_by_email(conn=conn, email=email)
        if raced is None:
            raise
        return raced
    created = await store.get_principal(conn=conn, principal_id=view.principal_id)
    if created is None:
        raise refused("the provisioned principal vanished")
    return created


def external_actor(
    claims: dict[str, Any], *, email: str, role: IdentityRole, address: str | None
) -> AuditActor:
    """Who provisioned a person: the provider's subject (`sub`, else the email) in the role
    its claims map to."""
    subject = claims.get("sub")
    return AuditActor(
        subject=subject if isinstance(subject, str) and subject else email,
        role=role,
        client_address=address,
    )


def new_person(
    claims: dict[str, Any], *, email: str, role: IdentityRole, settings: IdentitySettings
) -> NewPrincipal:
    """The person an external token describes: named by `name`, else by the email."""
    name = claim_at(claims, "name")
    agent_claim, teams_claim = settings.oidc_agent_claim, settings.oidc_teams_claim
    agents = uuids_of(claim_at(claims, agent_claim)) if agent_claim else []
    teams = team_keys_of(claim_at(claims, teams_claim)) if teams_claim else []
    return NewPrincipal(
        kind="person",
        display_name=name.strip()[:200] if isinstance(name, str) and name.strip() else email,
        email=email,
        role=role,
        agent_id=agents[0] if len(agents) == 1 else None,
        teams=teams[:100],
    )
