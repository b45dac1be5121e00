"""Reading an external provider's claims (#17): a dotted path into nested claims, a claim's
values whether the provider writes a list or a string, and the Ticketflow role they map to."""

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from ticketflow_common.events.identity import IdentityRole
from ticketflow_common.oidc_settings import ROLE_RANK


def claim_at(claims: Mapping[str, Any], path: str) -> Any:
    """The claim at a dotted path (`realm_access.roles`); at each level the longest run of
    segments that is a key wins, so names holding dots (Auth0's namespaced
    `https://ticketflow.example/roles`, a Keycloak client `desk.app`) are found whole. None when
    the path does not lead to a claim."""
    if path in claims:
        return claims[path]
    parts = path.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        head, rest = ".".join(parts[:cut]), ".".join(parts[cut:])
        inner = claims.get(head)
        if isinstance(inner, Mapping):
            found = claim_at(inner, rest)
            if found is not None:
                return found
    return None


def values_of(claim: Any) -> list[str]:
    """A claim's values: a list of strings as it is, one string as one value (never split: a
    group name may hold spaces or commas), numbers as text; anything else has none."""
    if isinstance(claim, str):
        return [claim] if claim else []
    if isinstance(claim, bool):
        return []
    if isinstance(claim, int | float):
        return [str(claim)]
    if isinstance(claim, list | tuple):
        return [v for item in claim for v in values_of(item) if not isinstance(item, list | tuple)]
    return []


def role_of(
    claims: Mapping[str, Any], *, claim: str, role_map: Mapping[str, IdentityRole]
) -> IdentityRole | None:
    """The most privileged role (`ROLE_RANK`) any value of the role claim maps to; None when
    none maps. Values match exactly (case and Unicode as written: `客服组长`)."""
    mapped = [role_map[v] for v in values_of(claim_at(claims, claim)) if v in role_map]
    return max(mapped, key=ROLE_RANK.index) if mapped else None


def uuids_of(claim: Any) -> list[UUID]:
    """The values of a claim that are UUIDs (agent and team ids); others are ignored."""
    found: list[UUID] = []
    for value in values_of(claim):
        try:
            found.append(UUID(value))
        except ValueError:
            continue
    return found
