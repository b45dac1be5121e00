"""Which callers a macro is offered to, and how its definition is read."""

import pytest
from pydantic import ValidationError

from ticketflow_automation.domain.macros import MacroDefinition
from ticketflow_common.identity import Principal, Role

REPLY = [{"type": "add_reply", "body": "您好"}]


def principal(role: Role, *teams: str) -> Principal:
    return Principal(subject="s", role=role, via="access_token", teams=frozenset(teams))


@pytest.mark.parametrize(
    ("teams", "who", "offered"),
    [
        ([], principal("agent"), True),
        (["network"], principal("agent", "network", "hr"), True),
        (["network"], principal("agent", "service-desk"), False),
        (["network"], principal("agent"), False),
        (["network"], principal("lead", "service-desk"), True),
        (["network"], principal("admin"), True),
    ],
)
def test_a_macro_is_offered_to_its_teams(teams: list[str], who: Principal, offered: bool) -> None:
    macro = MacroDefinition.model_validate({"name": "宏", "actions": REPLY, "teams": teams})
    assert macro.offered_to(who) is offered


def test_teams_are_kept_once_and_names_trimmed() -> None:
    macro = MacroDefinition.model_validate(
        {"name": "  打印机  ", "actions": REPLY, "teams": ["network", "hr", "network"]}
    )
    assert macro.teams == ["network", "hr"]
    assert macro.name == "打印机"


@pytest.mark.parametrize(
    ("fields", "loc"),
    [
        ({"name": "   "}, ("name",)),
        ({"teams": ["Network"]}, ("teams", 0)),
        ({"actions": []}, ("actions",)),
        ({"colour": "red"}, ("colour",)),
    ],
)
def test_an_invalid_definition_names_its_field(
    fields: dict[str, object], loc: tuple[object, ...]
) -> None:
    with pytest.raises(ValidationError) as refused:
        MacroDefinition.model_validate({"name": "宏", "actions": REPLY, **fields})
    assert loc in [e["loc"] for e in refused.value.errors()]
