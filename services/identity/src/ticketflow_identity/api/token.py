"""`POST /token`: an API key (RFC 6749 §4.4) or an external provider's token (RFC 8693) for an
access token; errors as RFC 6749 §5.2."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from ticketflow_common.oidc import OidcVerifier
from ticketflow_common.problems import ProblemError
from ticketflow_common.rate_limit_http import client_address, failed_auth_limiter
from ticketflow_identity.api.deps import NowDep, PoolDep, SettingsDep
from ticketflow_identity.commands.token_exchange import exchange_external_token
from ticketflow_identity.commands.tokens import TokenResponse, exchange_api_key
from ticketflow_identity.domain import token_requests as oauth
from ticketflow_identity.domain.token_requests import TokenRequestError
from ticketflow_identity.settings import IdentitySettings

router = APIRouter(tags=["tokens"])
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
FORM_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            oauth.FORM: {
                "schema": {
                    "type": "object",
                    "required": ["grant_type"],
                    "properties": {
                        "grant_type": {
                            "type": "string",
                            "enum": [oauth.CLIENT_CREDENTIALS, oauth.TOKEN_EXCHANGE],
                        },
                        "client_id": {"type": "string", "description": "The key id."},
                        "client_secret": {
                            "type": "string",
                            "description": "The key's secret, or the whole tfid_ key alone.",
                        },
                        "scope": {"type": "string", "description": "Space-separated, narrows."},
                        "subject_token": {
                            "type": "string",
                            "description": "Token exchange: the external provider's token.",
                        },
                        "subject_token_type": {
                            "type": "string",
                            "description": f"Token exchange: {oauth.ACCESS_TOKEN_TYPE}.",
                        },
                    },
                }
            }
        },
    }
}


def oidc_verifier(request: Request, settings: IdentitySettings) -> OidcVerifier:
    """The app's one verifier of the external issuer, so its key set is cached across requests."""
    verifier: OidcVerifier | None = getattr(request.app.state, "oidc_verifier", None)
    if verifier is None:
        verifier = request.app.state.oidc_verifier = OidcVerifier.of(settings)
    return verifier


class OAuthError(BaseModel):
    """The error body OAuth clients parse (RFC 6749 §5.2), not a problem document."""

    error: str = Field(description="invalid_request, invalid_client, invalid_grant, ...")
    error_description: str | None = None


def oauth_error(exc: TokenRequestError, *, basic: bool = False) -> JSONResponse:
    headers = dict(NO_STORE)
    if exc.status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="identity"' if basic else "Basic"
    return JSONResponse(
        {"error": exc.error, "error_description": exc.description},
        status_code=exc.status,
        headers=headers,
    )


@router.post(
    "/token",
    openapi_extra=FORM_BODY,
    responses={
        400: {"model": OAuthError, "description": "RFC 6749 §5.2 error"},
        401: {"model": OAuthError, "description": "invalid_client (RFC 6749 §5.2)"},
    },
)
async def issue_token(
    request: Request, pool: PoolDep, now: NowDep, settings: SettingsDep
) -> JSONResponse:
    """`grant_type=client_credentials` with HTTP Basic `key_id:secret`, or `client_id` and
    `client_secret`, or `client_secret=tfid_<id>.<secret>` alone; or the RFC 8693 token
    exchange of an external OpenID Connect token (`subject_token`)."""
    limiter = failed_auth_limiter(request)
    basic = False
    async with pool.acquire() as conn:
        await limiter.refuse_if_blocked(conn=conn, request=request)
        try:
            form = oauth.parse_form(await request.body(), request.headers.get("content-type"))
            grant = oauth.grant_type(form)
            if grant == oauth.TOKEN_EXCHANGE:
                answer: TokenResponse = await exchange_external_token(
                    conn=conn,
                    form=form,
                    verifier=oidc_verifier(request, settings),
                    settings=settings,
                    address=client_address(request),
                    now=now,
                )
            elif grant != oauth.CLIENT_CREDENTIALS:
                raise oauth.unsupported(grant)
            else:
                credentials = oauth.client_credentials(form, request.headers.get("authorization"))
                basic = credentials.basic
                answer = await exchange_api_key(
                    conn=conn,
                    credentials=credentials,
                    scope=form.get("scope") or None,
                    address=client_address(request),
                    settings=settings,
                    now=now,
                )
        except TokenRequestError as exc:
            if exc.error == "invalid_client":
                refusal: ProblemError = await limiter.failed(
                    conn=conn, request=request, detail=exc.description
                )
                if refusal.status == 429:
                    raise refusal from exc
            return oauth_error(exc, basic=basic)
    return JSONResponse(answer.model_dump(exclude_none=True), headers=NO_STORE)
