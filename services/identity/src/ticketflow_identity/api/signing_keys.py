"""`POST /signing-keys/rotate`: publish a new signing key now, signing after the lead."""

from fastapi import APIRouter, status

from ticketflow_identity.api.deps import AdminDep, AuditActorDep, NowDep, PoolDep, SettingsDep
from ticketflow_identity.commands.signing_keys import rotate_signing_key
from ticketflow_identity.domain.signing import RotatedKey

router = APIRouter(tags=["signing keys"])


@router.post("/signing-keys/rotate", status_code=status.HTTP_201_CREATED)
async def rotate(
    pool: PoolDep, now: NowDep, settings: SettingsDep, _caller: AdminDep, actor: AuditActorDep
) -> RotatedKey:
    async with pool.acquire() as conn:
        rotation = await rotate_signing_key(
            conn=conn, settings=settings, now=now, only_if_due=False, actor=actor
        )
    assert rotation is not None
    return rotation
