"""`POST /signing-keys/rotate`: publish a new signing key now, signing after the lead."""

from datetime import datetime

from fastapi import APIRouter, status
from pydantic import BaseModel

from ticketflow_identity.api.deps import AdminDep, NowDep, PoolDep, SettingsDep
from ticketflow_identity.commands.signing_keys import rotate_signing_key

router = APIRouter(tags=["signing keys"])


class RotatedKey(BaseModel):
    kid: str
    previous_kid: str | None
    active_from: datetime


@router.post("/signing-keys/rotate", status_code=status.HTTP_201_CREATED)
async def rotate(
    pool: PoolDep, now: NowDep, settings: SettingsDep, _caller: AdminDep
) -> RotatedKey:
    async with pool.acquire() as conn:
        rotation = await rotate_signing_key(
            conn=conn, settings=settings, now=now, only_if_due=False
        )
    assert rotation is not None
    return RotatedKey(
        kid=rotation.kid, previous_kid=rotation.previous_kid, active_from=rotation.active_from
    )
