"""Who may do what, pure: scopes by role, whose tickets a caller sees, who reopens."""

import pytest

from tests.unit.intake.examples import ticket
from ticketflow_intake.domain.access import (
    Principal,
    Role,
    Scope,
    actor_role,
    author_role_of,
    generate_key,
    may_reopen,
    parse_token,
)
from ticketflow_intake.domain.access import visible_to as sees

ROLES: list[Role] = ["requester", "agent", "approver", "admin"]


def principal(role: Role, subject: str = "u-1") -> Principal:
    return Principal(credential_id="k", role=role, subject=subject)


def test_requesters_see_only_their_own_tickets_everyone_else_all() -> None:
    theirs = ticket()
    assert sees(theirs, principal("requester", "u-1"))
    assert not sees(theirs, principal("requester", "u-2"))
    for role in ("agent", "approver", "admin"):
        assert sees(theirs, principal(role, "u-2"))


@pytest.mark.parametrize(
    ("role", "reopens", "speaks_as"),
    [
        ("requester", True, "requester"),
        ("agent", True, "agent"),
        ("approver", False, "approver"),
        ("admin", True, "agent"),
    ],
)
def test_who_reopens_and_as_whom_a_comment_is_written(
    role: Role, reopens: bool, speaks_as: str
) -> None:
    assert may_reopen(principal(role)) is reopens
    assert author_role_of(principal(role)) == speaks_as
    assert actor_role(principal(role)) == role


def test_only_agents_and_admins_read_internal_notes() -> None:
    readers = {r for r in ROLES if principal(r).reads_internal_notes}
    assert readers == {"agent", "admin"}
    assert principal("admin").scopes == frozenset(Scope)


def test_a_key_token_parses_back_into_its_id_and_secret() -> None:
    key = generate_key()
    assert parse_token(key.token) == (key.key_id, key.secret)
    for malformed in ("", "tfk_", "tfk_abc", "tfk_.secret", "tfk_abc.", "xyz_abc.def"):
        assert parse_token(malformed) is None
