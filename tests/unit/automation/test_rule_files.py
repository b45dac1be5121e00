"""Rule files: refusals named as people find them, YAML's surprises refused or kept as text,
and a file written then read back is the same rules."""

import pytest

from ticketflow_automation.domain.rule_files import (
    MAX_FILE_BYTES,
    RefusedFile,
    field_name,
    input_loc,
    parse_rule_file,
    rule_file,
)
from ticketflow_automation.store.rules import stored_definition

RULE = """\
rules:
  - name: 紧急打印机
    on: [ticket.created]
    when:
      any:
        - {field: ticket.subject, op: contains_text, value: 打印机}
        - {field: ticket.tags, op: contains, value: 打印}
    actions: [{type: set_priority, priority: urgent}]
"""


def refusals(text: str | bytes) -> dict[str, str]:
    with pytest.raises(RefusedFile) as caught:
        parse_rule_file(text)
    return {r.field: r.reason for r in caught.value.refusals}


def test_field_names_put_indices_in_brackets() -> None:
    assert field_name(("when", "all", 1, "op")) == "when.all[1].op"
    assert field_name(("actions", 0, "priority"), "rules[2]") == "rules[2].actions[0].priority"
    assert field_name((), "rules[0]") == "rules[0]"


def test_union_tags_are_left_out_of_the_location() -> None:
    document = {
        "when": {"all": [{"field": "a"}, {"field": "ticket.x", "op": "?"}]},
        "actions": [{"type": "set_priority", "priority": "特急"}],
    }
    assert input_loc(("when", "all", "all", 1, "field", "op"), document) == (
        "when",
        "all",
        1,
        "op",
    )
    assert input_loc(("actions", 0, "set_priority", "priority"), document) == (
        "actions",
        0,
        "priority",
    )
    assert input_loc(("when", "field", "field"), {"when": {"field": "x"}, "actions": []}) == (
        "when",
        "field",
    )


def test_a_file_round_trips() -> None:
    parsed = parse_rule_file(RULE)
    assert parsed[0].name == "紧急打印机"
    assert parsed[0].on == ["ticket.created"]
    written = rule_file([stored_definition(d) for d in parsed])
    assert "紧急打印机" in written
    assert parse_rule_file(written) == parsed
    assert rule_file([stored_definition(d) for d in parse_rule_file(written)]) == written


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (RULE.replace("priority: urgent", "priority: 特急"), "rules[0].actions[0].priority"),
        (RULE.replace("type: set_priority", "type: 飞"), "rules[0].actions[0].type"),
        (RULE.replace("op: contains,", "op: 像,"), "rules[0].when.any[1].op"),
        (RULE.replace("    on: [ticket.created]\n", ""), "rules[0].on"),
        (RULE + RULE.removeprefix("rules:\n"), "rules[1].name"),
        ("rules:\n  - &r {name: a}\n", "body"),
        ("rules:\n  - {name: a}\n  - *r\n", "body"),
        ("just text", "body"),
        ("rules: 1", "rules"),
        ("rules: []\nrules: []\n", "body"),
        ("rules: []\n---\nrules: []\n", "body"),
        ("rules: [{name: a, name: b}]", "body"),
        (b"\xff\xfe", "body"),
        ("# " + "x" * MAX_FILE_BYTES, "body"),
    ],
)
def test_refusals_name_their_place(text: str | bytes, field: str) -> None:
    assert field in refusals(text)


def test_yaml_1_1_booleans_and_timestamps_stay_text() -> None:
    parsed = parse_rule_file(
        "rules:\n  - name: 开\n    description: 2025-06-02\n    on: [ticket.created]\n"
        "    when: {field: ticket.custom_fields.vip, op: eq, value: yes}\n"
        "    actions: [{type: unassign}]\n"
    )
    assert parsed[0].on == ["ticket.created"]
    assert parsed[0].description == "2025-06-02"
    assert parsed[0].when is not None
    assert parsed[0].model_dump(by_alias=True)["when"]["value"] == "yes"
