"""What anyone may read: the key set services verify tokens with, and the discovery document."""

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from ticketflow_identity.api.deps import NowDep, PoolDep, SettingsDep
from ticketflow_identity.commands.signing_keys import key_set
from ticketflow_identity.domain.signing import ALGORITHM
from ticketflow_identity.domain.token_requests import CLIENT_CREDENTIALS, TOKEN_EXCHANGE

router = APIRouter(tags=["discovery"])
MAX_CACHE_SECONDS = 300


@router.get("/.well-known/jwks.json")
async def read_key_set(pool: PoolDep, now: NowDep, settings: SettingsDep) -> JSONResponse:
    """Cached no longer than a new key's publish lead, so a cache learns a key before it signs."""
    async with pool.acquire() as conn:
        keys = await key_set(conn=conn, settings=settings, now=now)
    age = int(min(MAX_CACHE_SECONDS, settings.signing_key_lead_seconds / 2))
    return JSONResponse(keys, headers={"Cache-Control": f"public, max-age={age}"})


@router.get("/.well-known/openid-configuration")
async def read_configuration(settings: SettingsDep) -> dict[str, Any]:
    return {
        "issuer": settings.public_url,
        "jwks_uri": settings.jwks_url,
        "token_endpoint": settings.token_url,
        "grant_types_supported": [CLIENT_CREDENTIALS, TOKEN_EXCHANGE],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "response_types_supported": ["token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": [ALGORITHM],
    }
